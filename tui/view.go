package tui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/serviceflow/serviceflow/snapshot"
)

const headerLines = 2

// View draws the whole screen: header, tabs, the current pane and a footer.
// Every line fits the window width and there are exactly height lines.
func (m model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "flow " + clean(m.snap.Flow, maxName)
	return v
}

func (m model) render() string {
	w, h := m.width, m.height
	lines := make([]string, 0, h)
	lines = append(lines, m.header(w)...)
	lines = append(lines, m.tabs(w))
	body := m.bodyHeight()
	var b []string
	_, help := m.overlay.(helpPane)
	if m.have || help {
		b = m.front().view(m.frame())
	} else {
		b = []string{"", "  waiting for the first snapshot…"}
	}
	lines = append(lines, fit(b, w, body)...)
	lines = append(lines, cut(m.footer(w), w))
	// every part is cut to w already; only the height is left to bound
	if len(lines) > h {
		lines = lines[:h] // a screen too small for the body shows the header
	}
	return strings.Join(lines, "\n")
}

// state is the flow state the header shows.
func (m model) state() snapshot.State {
	s := m.snap.State
	if m.draining && s != snapshot.Stopped && s != snapshot.Failed {
		return snapshot.Draining
	}
	if s == "" {
		return "CONNECTING"
	}
	return s
}

func (m model) header(w int) []string {
	s, st := m.snap, m.st
	state := m.state()
	up := "-"
	if !s.Started.IsZero() && !s.Taken.IsZero() {
		up = age(s.Taken.Sub(s.Started))
	}
	name := clean(s.Flow, maxName)
	if name == "" {
		name = "flow"
	}
	l1 := st.r(st.title, "serviceflow "+name) + "  " +
		st.r(st.flow(state), string(state)) + "  up " + up +
		"   in " + rate(s.InRate) + "/s  out " + rate(s.OutRate) + "/s" +
		"   in flight " + itoa(s.Totals.InFlight) + "/" + itoa(s.MaxInFlight)
	if room := w - ansi.StringWidth(l1) - 3; room >= 10 { // the flow's output over the last minute
		l1 += "   " + st.r(st.ok, spark(m.hist.out.values(), min(room, 40)))
	}
	t := s.Totals
	l2 := m.lostHeader() + "done " + count(t.Done) + "  stopped " + count(t.Stopped) +
		"  failed " + st.r(failStyle(st, t.Failed), count(t.Failed)) +
		"  retried " + count(t.Retried) + "  restarts " + count(t.Restarts)
	if t.Malformed > 0 {
		l2 += "  malformed " + st.r(st.warn, count(t.Malformed))
	}
	l2 += m.partitionsHeader()
	l2 += m.degradedReason()
	if m.ended {
		l2 += "   " + st.r(st.status, "[run over: q quits]")
	}
	switch {
	case m.player != nil:
		l2 += "   " + st.r(st.warn, "["+m.scrubber(12)+"  space ▶⏸ [ ]{ } +-]")
	case m.frozen:
		l2 += "   " + st.r(st.warn, "["+m.scrubber(12)+"  [ ]{ } space]")
	}
	if m.intakePaused && state != snapshot.Paused {
		l2 += "   " + st.r(st.warn, "[intake paused]")
	}
	if s.Err != "" {
		l2 += "   " + st.r(st.bad, "error: "+clean(s.Err, maxLine))
	}
	return []string{cut(l1, w), cut(l2, w)}
}

func failStyle(st styles, n uint64) lipgloss.Style {
	if n > 0 {
		return st.bad
	}
	return lipgloss.NewStyle()
}

func utoa(n uint64) string { return strconv.FormatUint(n, 10) }

func (m model) tabs(w int) string {
	var b strings.Builder
	for i := range numViews {
		label := m.tabLabel(i)
		if i == m.view {
			b.WriteString(m.st.r(m.st.tabOn, "["+label+"]"))
		} else {
			b.WriteString(m.st.r(m.st.tab, " "+label+" "))
		}
		b.WriteString(" ")
	}
	return cut(b.String(), w)
}

// tabLabel is the text of view v's tab.
func (m model) tabLabel(v view) string {
	label := itoa(int(v)+1) + " " + viewNames[v]
	if v == viewDead && len(m.snap.DeadLetters) > 0 {
		label += " (" + itoa(len(m.snap.DeadLetters)) + ")"
	}
	return label
}

func (m model) footer(w int) string {
	st, f := m.st, m.frame()
	front := m.front()
	if p := front.prompt(f); p != "" {
		return cut(p, w)
	}
	if m.status != "" {
		return cut(st.r(st.status, m.status), w)
	}
	// the keys of the pane in front, then the global ones
	return m.help.ShortHelpView(append(front.help(m.keys), m.keys.ShortHelp()...))
}
