package tui

import (
	"strings"

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

func (helpPane) lines(f frame) []string {
	hm := f.help
	hm.SetWidth(f.w)
	lines := []string{"", " keys (? or esc closes)", ""}
	for _, l := range strings.Split(hm.FullHelpView(f.keys.FullHelp()), "\n") {
		lines = append(lines, " "+l)
	}
	return append(lines, "",
		" graph: ╔═╗ selected  ╭─╮ fork  ┏━┓ sink  ─book─ branch  BP backpressure  ↻3 restarts  FAIL failed  STOP stopped",
		"        each box: name · out/s and p99 latency · mailbox fill; \"bottleneck\" marks the busiest stage",
		" header: display paused = the screen is frozen (space), data keeps flowing; PAUSED = intake paused (p)")
}
