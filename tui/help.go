package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// helpPane is the key overlay (?), generated from the key bindings; it
// scrolls when the window is too small to show it all.
type helpPane struct{ off int }

func (p helpPane) update(f frame, msg tea.Msg) (pane, tea.Cmd) {
	if d, ok := delta(f, msg); ok {
		p.off = max(step(p.off, len(p.lines(f)), d), 0)
	}
	return p, nil
}

func (p helpPane) settle(f frame) pane {
	p.off = clampOff(p.off, len(p.lines(f)), f.h)
	return p
}

func (helpPane) help(k keyMap) []key.Binding { return []key.Binding{k.Back} }

func (helpPane) selected(frame) string { return "" }

func (helpPane) prompt(frame) string { return "" }

func (p helpPane) view(f frame) []string {
	lines := p.lines(f)
	return lines[min(p.off, len(lines)):]
}

// lines are the key groups, side by side as many as fit the width and
// stacked otherwise, then the legend wrapped to the width: nothing is cut.
func (helpPane) lines(f frame) []string {
	hm := f.help
	hm.SetWidth(0) // each group whole; the packing below fits them
	lines := []string{"", " keys (? or esc closes)", ""}
	type block struct {
		lines []string
		w     int
	}
	var row []block // the row being packed
	rowW := 0
	flush := func() {
		h := 0
		for _, b := range row {
			h = max(h, len(b.lines))
		}
		for i := range h {
			var l strings.Builder
			for _, b := range row {
				cell := ""
				if i < len(b.lines) {
					cell = b.lines[i]
				}
				l.WriteString(pad(cell, b.w+helpGap))
			}
			lines = append(lines, " "+strings.TrimRight(l.String(), " "))
		}
		row, rowW = nil, 0
	}
	for _, g := range f.keys.FullHelp() {
		b := block{lines: strings.Split(hm.FullHelpView([][]key.Binding{g}), "\n")}
		for _, l := range b.lines {
			b.w = max(b.w, ansi.StringWidth(l))
		}
		if len(row) > 0 && 1+rowW+b.w > f.w {
			flush()
			lines = append(lines, "")
		}
		row = append(row, b)
		rowW += b.w + helpGap
	}
	flush()
	lines = append(lines, "")
	for _, l := range helpLegend {
		for _, w := range strings.Split(ansi.Wordwrap(l, max(f.w-2, 10), " "), "\n") {
			lines = append(lines, " "+w)
		}
	}
	return lines
}

// helpGap separates key groups side by side.
const helpGap = 4

var helpLegend = []string{
	"graph: ╔═╗ selected  ╭─╮ fork  ┌┄┐ decorator  ┏━┓ sink  ─book─ branch  BP backpressure  ↻3 restarts  FAIL failed  STOP stopped;" +
		" each box: name · out/s and p99 latency · mailbox fill; \"bottleneck\" marks the busiest stage",
	"header: display paused = the screen is frozen (space), data keeps flowing; PAUSED = intake paused (p)",
}
