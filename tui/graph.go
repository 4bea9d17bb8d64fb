package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/serviceflow/serviceflow/snapshot"
)

// Graph geometry.
const (
	boxH     = 5  // border, name, rate and p99, mailbox bar, border
	minBoxW  = 14 // the narrowest box that fits "1.2k/s 180ms"
	maxBoxW  = 24
	layerGap = 3 // columns between layers: the edge's start, bend and arrow
	laneGap  = 1 // rows between lanes, left to right
)

// glayout places each stage's box on a canvas: layers (longest path from a
// source) left to right and lanes (a fork's branches) top to bottom, or, when
// that is too wide, layers top to bottom and lanes left to right.
type glayout struct {
	vertical bool
	boxW     int
	x, y     []int // top-left corner of stage i's box
	w, h     int   // canvas size
	edges    [][2]int
	labels   []string
	indeg    []int
}

func layoutGraph(stages []snapshot.Stage, edges []snapshot.Edge, width int) glayout {
	n := len(stages)
	idx := make(map[int]int, n)
	for i, s := range stages {
		idx[s.ID] = i
	}
	parents := make([][]int, n)
	children := make([][]int, n)
	l := glayout{indeg: make([]int, n), x: make([]int, n), y: make([]int, n)}
	for _, e := range edges {
		a, okA := idx[e.From]
		b, okB := idx[e.To]
		if !okA || !okB || a == b {
			continue
		}
		parents[b] = append(parents[b], a)
		children[a] = append(children[a], b)
		l.indeg[b]++
		l.edges = append(l.edges, [2]int{a, b})
		l.labels = append(l.labels, clean(e.Label, maxName))
	}

	// Topological order, preferring stage order; a cycle is broken at its
	// first stage.
	layer := make([]int, n)
	lane := make([]int, n)
	done := make([]bool, n)
	order := make([]int, 0, n)
	for len(order) < n {
		progress := false
		for v := 0; v < n; v++ {
			if done[v] || !allDone(parents[v], done) {
				continue
			}
			done[v], progress = true, true
			order = append(order, v)
		}
		if !progress {
			for v := 0; v < n; v++ {
				if !done[v] {
					done[v] = true
					order = append(order, v)
					break
				}
			}
		}
	}
	placed := make([]bool, n)
	for _, v := range order {
		for _, p := range parents[v] {
			if placed[p] {
				layer[v] = max(layer[v], layer[p]+1)
			}
		}
		placed[v] = true
	}

	// Lanes: a stage continues its single parent's lane unless a sibling
	// took it; a join takes the lowest lane of its parents.
	nextLane := 0
	passed := make([]bool, n)
	taken := map[[2]int]bool{}
	for i := range lane {
		lane[i] = -1
	}
	for _, v := range order {
		ps := parents[v]
		switch {
		case len(ps) == 0:
			lane[v] = nextLane
			nextLane++
		case len(ps) > 1:
			lane[v] = lane[ps[0]]
			for _, p := range ps {
				if lane[p] >= 0 && lane[p] < lane[v] {
					lane[v] = lane[p]
				}
			}
		case !passed[ps[0]] && lane[ps[0]] >= 0:
			lane[v] = lane[ps[0]]
			passed[ps[0]] = true
		default:
			lane[v] = nextLane
			nextLane++
		}
		if lane[v] < 0 || taken[[2]int{layer[v], lane[v]}] {
			lane[v] = nextLane
			nextLane++
		}
		taken[[2]int{layer[v], lane[v]}] = true
	}
	layers, lanes := 1, max(nextLane, 1)
	for _, ly := range layer {
		layers = max(layers, ly+1)
	}

	if layers*(minBoxW+layerGap)-layerGap <= width || n == 0 {
		l.boxW = max(minBoxW, min(maxBoxW, (width+layerGap)/layers-layerGap))
		for v := range stages {
			l.x[v] = layer[v] * (l.boxW + layerGap)
			l.y[v] = lane[v] * (boxH + laneGap)
		}
		l.w = layers*(l.boxW+layerGap) - layerGap
		l.h = lanes*(boxH+laneGap) - laneGap
		return l
	}
	l.vertical = true
	l.boxW = max(minBoxW, min(maxBoxW, (width+2)/lanes-2))
	for v := range stages {
		l.x[v] = lane[v] * (l.boxW + 2)
		l.y[v] = layer[v] * (boxH + 2)
	}
	l.w = lanes*(l.boxW+2) - 2
	l.h = layers*(boxH+2) - 2
	return l
}

func allDone(vs []int, done []bool) bool {
	for _, v := range vs {
		if !done[v] {
			return false
		}
	}
	return true
}

// bottleneck is the index of the busiest stage: the fullest mailbox, else
// the lowest out/in ratio; -1 when nothing moves.
func bottleneck(stages []snapshot.Stage) int {
	best, bestFill := -1, 0.0
	for i, s := range stages {
		if f := fill(s); f > bestFill {
			best, bestFill = i, f
		}
	}
	if best >= 0 {
		return best
	}
	bestRatio := 2.0
	for i, s := range stages {
		if s.InRate <= 0 || s.Kind == snapshot.KindSink {
			continue
		}
		if r := s.OutRate / s.InRate; r < bestRatio && r < 0.95 {
			best, bestRatio = i, r
		}
	}
	return best
}

// canvas is a grid of cells: text, line directions and a style.
type canvas struct {
	w, h  int
	cells []cell
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

func newCanvas(w, h int) *canvas {
	return &canvas{w: w, h: h, cells: make([]cell, w*h)}
}

func (c *canvas) at(x, y int) *cell {
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
	for x := x1; x < x2; x++ {
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
	for y := y1; y < y2; y++ {
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

// drawGraph draws every edge of the flow and the boxes that intersect the
// window of w×h cells at (x0, y0).
func drawGraph(s snapshot.Snapshot, l glayout, selected string, x0, y0, w, h int) *canvas {
	c := newCanvas(l.w, l.h)
	for _, e := range l.edges {
		a, b := e[0], e[1]
		if l.vertical {
			ox, oy := l.x[a]+l.boxW/2, l.y[a]+boxH
			ix, iy := l.x[b]+l.boxW/2, l.y[b]-1
			if ox == ix {
				c.vline(ox, oy, iy)
			} else {
				by := oy
				if l.indeg[b] > 1 {
					by = l.y[b] - 2
				}
				c.vline(ox, oy, by)
				c.hline(ox, ix, by)
				c.vline(ix, by, iy)
			}
			if p := c.at(ix, iy); p != nil {
				p.r = '▼'
			}
		} else {
			ox, oy := l.x[a]+l.boxW, l.y[a]+2
			ix, iy := l.x[b]-1, l.y[b]+2
			if oy == iy {
				c.hline(ox, ix, oy)
			} else {
				bx := ox + 1
				if l.indeg[b] > 1 {
					bx = l.x[b] - 2
				}
				c.hline(ox, bx, oy)
				c.vline(bx, oy, iy)
				c.hline(bx, ix, iy)
			}
			if p := c.at(ix, iy); p != nil {
				p.r = '▶'
			}
		}
	}
	label := make([]string, len(s.Stages))
	for i, e := range l.edges {
		if l.labels[i] != "" {
			label[e[1]] = l.labels[i]
		}
	}
	hot := bottleneck(s.Stages)
	for i, st := range s.Stages {
		if l.x[i]+l.boxW <= x0 || l.x[i] >= x0+w || l.y[i]+boxH <= y0 || l.y[i] >= y0+h {
			continue
		}
		drawBox(c, l.x[i], l.y[i], l.boxW, st, label[i], i == hot, st.Name == selected)
	}
	return c
}

func drawBox(c *canvas, x, y, w int, s snapshot.Stage, label string, hot, sel bool) {
	style := stageCellStyle(s.State)
	tl, tr, bl, br, hz, vt := "┌", "┐", "└", "┘", "─", "│"
	switch {
	case sel:
		tl, tr, bl, br, hz, vt = "╔", "╗", "╚", "╝", "═", "║"
	case s.Kind == snapshot.KindFork || s.Kind == snapshot.KindAround:
		tl, tr, bl, br = "╭", "╮", "╰", "╯"
	case s.Kind == snapshot.KindSink:
		tl, tr, bl, br, hz, vt = "┏", "┓", "┗", "┛", "━", "┃"
	}
	iw := w - 2
	tag := stateTag(s)
	top := hz
	if label != "" {
		top += cut(label, iw-3-len([]rune(tag)))
	}
	top = padWith(top, iw-1-len([]rune(tag)), hz) + tag + hz
	bottom := hz
	if hot {
		bottom += "bottleneck"
	}
	bottom = padWith(bottom, iw, hz)
	line2 := rate(s.OutRate) + "/s " + latency(s.P99)
	var line3 string
	if s.MailboxCap > 0 {
		suffix := itoa(s.Mailbox) + "/" + itoa(s.MailboxCap)
		line3 = bar(fill(s), max(iw-len(suffix)-1, 1)) + " " + suffix
	} else {
		line3 = "mailbox " + itoa(s.Mailbox)
	}
	c.text(x, y, tl+top+tr, style)
	for i, t := range []string{clean(s.Name, maxName), line2, line3} {
		c.text(x, y+1+i, vt+pad(t, iw)+vt, style)
	}
	c.text(x, y+4, bl+bottom+br, style)
}

func padWith(s string, w int, fill string) string {
	s = cut(s, w)
	if n := len([]rune(s)); n < w {
		s += strings.Repeat(fill, w-n)
	}
	return s
}

// stateTag marks a box whose stage is not plainly ok.
func stateTag(s snapshot.Stage) string {
	switch s.State {
	case snapshot.StageBackpressure:
		return "BP"
	case snapshot.StageRestarting:
		return "↻" + count(s.Restarts)
	case snapshot.StageFailed:
		return "FAIL"
	case snapshot.StageStopped:
		return "STOP"
	}
	if s.Restarts > 0 {
		return "↻" + count(s.Restarts)
	}
	return ""
}

func stageCellStyle(s snapshot.StageState) uint8 {
	switch s {
	case snapshot.StageBackpressure:
		return styleWarn
	case snapshot.StageRestarting:
		return styleRestart
	case snapshot.StageFailed:
		return styleBad
	case snapshot.StageStopped:
		return styleStopped
	}
	return styleOK
}

// window renders rows [y0, y0+h) and columns [x0, x0+w) of the canvas.
func (c *canvas) window(st styles, x0, y0, w, h int) []string {
	var pal [7]lipgloss.Style
	if st.color {
		pal = [7]lipgloss.Style{styleOK: st.ok, styleWarn: st.warn, styleRestart: st.restart,
			styleBad: st.bad, styleStopped: st.stopped, styleEdge: st.dim}
	}
	var lines []string
	var run strings.Builder
	for y := y0; y < min(y0+h, c.h); y++ {
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
		for x := x0; x < min(x0+w, c.w); x++ {
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

func (m model) graphLayout(w int) glayout {
	return layoutGraph(m.snap.Stages, m.snap.Edges, w)
}

func (m model) graphView(w, h int) []string {
	s := m.snap
	if len(s.Stages) == 0 {
		return []string{"", "  no stages"}
	}
	l := m.graphLayout(w)
	c := drawGraph(s, l, m.gSel, m.gXOf, m.gOff, w, h-1)
	info := "out/s p99 mailbox · selected: " + clean(m.gSel, maxName)
	if hot := bottleneck(s.Stages); hot >= 0 {
		info += "   bottleneck: " + clean(s.Stages[hot].Name, maxName)
	}
	if l.vertical || l.w > w || l.h > h-1 {
		info += "   (j/k select, h/l scroll, enter details)"
	} else {
		info += "   (j/k select, enter details)"
	}
	lines := []string{m.st.r(m.st.dim, info)}
	return append(lines, c.window(m.st, m.gXOf, m.gOff, w, h-1)...)
}

// revealGraph scrolls the graph so the selected stage's box is visible.
func (m *model) revealGraph() {
	i := indexOfStage(m.snap.Stages, m.gSel)
	if i < 0 {
		return
	}
	l := m.graphLayout(m.width)
	wh := m.bodyHeight() - 1
	x, y := l.x[i], l.y[i]
	if y < m.gOff {
		m.gOff = y
	}
	if y+boxH > m.gOff+wh {
		m.gOff = y + boxH - wh
	}
	if x < m.gXOf {
		m.gXOf = x
	}
	if x+l.boxW > m.gXOf+m.width {
		m.gXOf = x + l.boxW - m.width
	}
}

func (m *model) settleGraph() {
	if indexOfStage(m.snap.Stages, m.gSel) < 0 && len(m.snap.Stages) > 0 {
		m.gSel = m.snap.Stages[0].Name
	}
	l := m.graphLayout(m.width)
	m.gOff = max(0, min(m.gOff, l.h-(m.bodyHeight()-1)))
	m.gXOf = max(0, min(m.gXOf, l.w-m.width))
}
