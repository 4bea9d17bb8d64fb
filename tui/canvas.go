package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// canvas is a window of w×h cells at (ox, oy) onto an unbounded grid of
// cells: text, line directions and a style. Drawing outside it is a no-op,
// so a huge graph costs only what is on the screen.
type canvas struct {
	ox, oy, w, h int
	cells        []cell
}

type cell struct {
	r     rune
	lines uint8 // lineLeft | lineRight | lineUp | lineDown
	style uint8
}

const (
	lineLeft uint8 = 1 << iota
	lineRight
	lineUp
	lineDown
)

// Styles of canvas cells.
const (
	styleNone uint8 = iota
	styleOK
	styleWarn
	styleRestart
	styleBad
	styleStopped
	styleEdge
)

func newCanvas(ox, oy, w, h int) *canvas {
	w, h = max(w, 0), max(h, 0)
	return &canvas{ox: ox, oy: oy, w: w, h: h, cells: make([]cell, w*h)}
}

func (c *canvas) at(x, y int) *cell {
	x, y = x-c.ox, y-c.oy
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return nil
	}
	return &c.cells[y*c.w+x]
}

// wide reports whether r takes two cells; box drawing, arrows and blocks
// never do.
func wide(r rune) bool {
	if r < 0x1100 || r >= 0x2190 && r <= 0x25ff {
		return false
	}
	return ansi.StringWidth(string(r)) > 1
}

// wideTail marks the cell covered by the right half of a wide rune.
const wideTail rune = -1

func (c *canvas) text(x, y int, s string, style uint8) {
	for _, r := range s {
		if p := c.at(x, y); p != nil {
			p.r, p.style = r, style
		}
		x++
		if wide(r) {
			if p := c.at(x, y); p != nil {
				p.r, p.style = wideTail, style
			}
			x++
		}
	}
}

func (c *canvas) hline(x1, x2, y int) {
	if x1 > x2 {
		x1, x2 = x2, x1
	}
	if y < c.oy || y >= c.oy+c.h {
		return
	}
	for x := max(x1, c.ox-1); x < min(x2, c.ox+c.w); x++ {
		if p := c.at(x, y); p != nil {
			p.lines |= lineRight
			p.style = styleEdge
		}
		if p := c.at(x+1, y); p != nil {
			p.lines |= lineLeft
			p.style = styleEdge
		}
	}
}

func (c *canvas) vline(x, y1, y2 int) {
	if y1 > y2 {
		y1, y2 = y2, y1
	}
	if x < c.ox || x >= c.ox+c.w {
		return
	}
	for y := max(y1, c.oy-1); y < min(y2, c.oy+c.h); y++ {
		if p := c.at(x, y); p != nil {
			p.lines |= lineDown
			p.style = styleEdge
		}
		if p := c.at(x, y+1); p != nil {
			p.lines |= lineUp
			p.style = styleEdge
		}
	}
}

var lineRunes = [16]rune{
	0:                                        ' ',
	lineLeft:                                 '─',
	lineRight:                                '─',
	lineLeft | lineRight:                     '─',
	lineUp:                                   '│',
	lineDown:                                 '│',
	lineUp | lineDown:                        '│',
	lineRight | lineDown:                     '┌',
	lineLeft | lineDown:                      '┐',
	lineRight | lineUp:                       '└',
	lineLeft | lineUp:                        '┘',
	lineLeft | lineRight | lineDown:          '┬',
	lineLeft | lineRight | lineUp:            '┴',
	lineUp | lineDown | lineRight:            '├',
	lineUp | lineDown | lineLeft:             '┤',
	lineLeft | lineRight | lineUp | lineDown: '┼',
}

// lines renders the canvas.
func (c *canvas) lines(st styles) []string {
	var pal [7]lipgloss.Style
	if st.color {
		pal = [7]lipgloss.Style{styleOK: st.ok, styleWarn: st.warn, styleRestart: st.restart,
			styleBad: st.bad, styleStopped: st.stopped, styleEdge: st.dim}
	}
	var lines []string
	var run strings.Builder
	for y := 0; y < c.h; y++ {
		var b strings.Builder
		cur := styleNone
		flush := func() {
			if run.Len() == 0 {
				return
			}
			if st.color && cur != styleNone {
				b.WriteString(pal[cur].Render(run.String()))
			} else {
				b.WriteString(run.String())
			}
			run.Reset()
		}
		for x := 0; x < c.w; x++ {
			p := &c.cells[y*c.w+x]
			r := p.r
			if r == wideTail {
				continue
			}
			if r == 0 {
				r = lineRunes[p.lines]
			}
			if p.style != cur {
				flush()
				cur = p.style
			}
			run.WriteRune(r)
		}
		flush()
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	return lines
}
