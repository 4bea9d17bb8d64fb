package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/serviceflow/serviceflow/snapshot"
)

// Graph geometry.
const (
	boxH     = 5  // left to right: border, name, rate and p99, mailbox bar, border
	minBoxW  = 14 // the narrowest box that fits "1.2k/s 180ms"
	maxBoxW  = 24
	flatH    = 3 // top-down: name in the border, then rate, p99 and mailbox bar
	minFlatW = 28
	maxFlatW = 44
	layerGap = 3 // columns between layers: the edge's start, bend and arrow
	laneGap  = 1 // rows between lanes, left to right
)

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

// drawGraph draws every edge of the flow and the boxes that intersect the
// window of w×h cells at (x0, y0).
func drawGraph(s snapshot.Snapshot, l glayout, selected string, x0, y0, w, h int) *canvas {
	c := newCanvas(x0, y0, min(w, l.w-x0), min(h, l.h-y0))
	for _, e := range l.edges {
		a, b := e[0], e[1]
		if l.vertical {
			// Lines start on the box's border (which the box then draws
			// over), so the first cell outside it connects to the box even
			// when the edge turns at once, as a fork's or a join's does.
			ox, oy := l.x[a]+l.boxW/2, l.y[a]+l.boxH
			ix, iy := l.x[b]+l.boxW/2, l.y[b]-1
			if ox == ix {
				c.vline(ox, oy-1, iy)
			} else {
				by := oy
				if l.indeg[b] > 1 {
					by = l.y[b] - 2
				}
				c.vline(ox, oy-1, by)
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
				c.hline(ox-1, ix, oy)
			} else {
				bx := ox + 1
				if l.indeg[b] > 1 {
					bx = l.x[b] - 2
				}
				c.hline(ox-1, bx, oy)
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
		if l.x[i]+l.boxW <= x0 || l.x[i] >= x0+w || l.y[i]+l.boxH <= y0 || l.y[i] >= y0+h {
			continue
		}
		drawBox(c, l.x[i], l.y[i], l.boxW, l.boxH, st, label[i], i == hot, st.Name == selected)
	}
	return c
}

// drawBox draws a stage w cells wide and h (boxH or flatH) tall.
func drawBox(c *canvas, x, y, w, h int, s snapshot.Stage, label string, hot, sel bool) {
	style := stageCellStyle(s.State)
	tl, tr, bl, br, hz, vt := "┌", "┐", "└", "┘", "─", "│"
	switch {
	case sel:
		tl, tr, bl, br, hz, vt = "╔", "╗", "╚", "╝", "═", "║"
	case s.Kind == snapshot.KindFork:
		tl, tr, bl, br = "╭", "╮", "╰", "╯"
	case s.Kind == snapshot.KindAround: // dashed: it wraps the rest of its flow
		hz, vt = "┄", "┆"
	case s.Kind == snapshot.KindSink:
		tl, tr, bl, br, hz, vt = "┏", "┓", "┗", "┛", "━", "┃"
	}
	iw := w - 2
	tag := stateTag(s)
	name := clean(s.Name, maxName)
	top := hz
	if label != "" {
		top += label
		if h == flatH {
			top += ": "
		}
	}
	if h == flatH {
		top += name
	}
	top = cut(top, iw-2-len([]rune(tag)))
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
		barW := iw - len(suffix) - 1
		if h == flatH {
			barW -= 15 // around it: " 1.2k/s 180ms " and " "
		}
		line3 = bar(fill(s), max(barW, 1)) + " " + suffix
	} else {
		line3 = "mailbox " + itoa(s.Mailbox)
	}
	if h == flatH {
		c.text(x, y, tl+top+tr, style)
		c.text(x, y+1, vt+" "+pad(line2, 12)+" "+pad(line3, iw-15)+" "+vt, style)
		c.text(x, y+2, bl+bottom+br, style)
		return
	}
	c.text(x, y, tl+top+tr, style)
	for i, t := range []string{name, line2, line3} {
		c.text(x, y+1+i, vt+pad(t, iw)+vt, style)
	}
	c.text(x, y+4, bl+bottom+br, style)
}

func padWith(s string, w int, fill string) string {
	s = cut(s, w)
	if n := ansi.StringWidth(s); n < w {
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

// graphPane is the flow drawn as boxes and edges, scrolled to keep the
// selected stage in view.
type graphPane struct {
	sel       string // the selected stage
	off, xoff int    // scroll: rows down, columns right
}

func (p graphPane) update(f frame, msg tea.Msg) (pane, tea.Cmd) {
	if d, ok := delta(f, msg); ok {
		st := f.snap.Stages
		if i := step(indexOfStage(st, p.sel), len(st), d); i >= 0 {
			p.sel = st[i].Name
			p = p.reveal(f)
		}
		return p, nil
	}
	switch msg := msg.(type) {
	case clickMsg:
		if i := p.hit(f, msg.x, msg.y); i >= 0 {
			p.sel = f.snap.Stages[i].Name
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, f.keys.Left):
			p.xoff = max(p.xoff-8, 0)
		case key.Matches(msg, f.keys.Right):
			p.xoff += 8
		}
	}
	return p, nil
}

// hit is the stage whose box is at (x, y) of the body, or -1.
func (p graphPane) hit(f frame, x, y int) int {
	l := layoutGraph(f.snap.Stages, f.snap.Edges, f.w)
	x, y = x+p.xoff, y-1+p.off // the body's first line is the legend
	for i := range f.snap.Stages {
		if x >= l.x[i] && x < l.x[i]+l.boxW && y >= l.y[i] && y < l.y[i]+l.boxH {
			return i
		}
	}
	return -1
}

func (p graphPane) view(f frame) []string {
	s, w, h := f.snap, f.w, f.h
	if len(s.Stages) == 0 {
		return []string{"", "  no stages"}
	}
	l := layoutGraph(s.Stages, s.Edges, w)
	c := drawGraph(*s, l, p.sel, p.xoff, p.off, w, h-1)
	info := "out/s p99 mailbox · selected: " + clean(p.sel, maxName)
	if hot := bottleneck(s.Stages); hot >= 0 {
		info += "   bottleneck: " + clean(s.Stages[hot].Name, maxName)
	}
	if l.vertical || l.w > w || l.h > h-1 {
		info += "   (j/k select, h/l scroll, enter details)"
	} else {
		info += "   (j/k select, enter details)"
	}
	lines := []string{f.st.r(f.st.dim, info)}
	return append(lines, c.lines(f.st)...)
}

// reveal scrolls the graph so the selected stage's box is visible.
func (p graphPane) reveal(f frame) graphPane {
	i := indexOfStage(f.snap.Stages, p.sel)
	if i < 0 {
		return p
	}
	l := layoutGraph(f.snap.Stages, f.snap.Edges, f.w)
	wh := f.h - 1
	x, y := l.x[i], l.y[i]
	if y < p.off {
		p.off = y
	}
	if y+l.boxH > p.off+wh {
		p.off = y + l.boxH - wh
	}
	if x < p.xoff {
		p.xoff = x
	}
	if x+l.boxW > p.xoff+f.w {
		p.xoff = x + l.boxW - f.w
	}
	return p
}

func (p graphPane) settle(f frame) pane {
	if indexOfStage(f.snap.Stages, p.sel) < 0 && len(f.snap.Stages) > 0 {
		p.sel = f.snap.Stages[0].Name
	}
	l := layoutGraph(f.snap.Stages, f.snap.Edges, f.w)
	p.off = max(0, min(p.off, l.h-(f.h-1)))
	p.xoff = max(0, min(p.xoff, l.w-f.w))
	return p
}

func (graphPane) help(k keyMap) []key.Binding { return []key.Binding{k.Move, k.Open, k.Right} }

func (p graphPane) selected(frame) string { return p.sel }

func (graphPane) prompt(frame) string { return "" }
