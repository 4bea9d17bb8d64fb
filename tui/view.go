package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
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
	switch {
	case m.showHelp:
		b = m.helpView(w, body)
	case !m.have:
		b = []string{"", "  waiting for the first snapshot…"}
	case m.detail != "":
		b = m.detailView(w, body)
	default:
		switch m.view {
		case viewGraph:
			b = m.graphView(w, body)
		case viewServices:
			b = m.servicesView(w, body)
		case viewEvents:
			b = m.eventsView(w, body)
		case viewDead:
			b = m.deadView(w, body)
		case viewTree:
			b = m.treeView(w, body)
		}
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
	l2 := "done " + count(t.Done) + "  stopped " + count(t.Stopped) +
		"  failed " + st.r(failStyle(st, t.Failed), count(t.Failed)) +
		"  retried " + count(t.Retried) + "  restarts " + count(t.Restarts)
	if m.frozen {
		l2 += "   " + st.r(st.warn, "[display paused: space resumes]")
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
	for i, name := range viewNames {
		label := itoa(i+1) + " " + name
		if view(i) == viewDead && len(m.snap.DeadLetters) > 0 {
			label += " (" + itoa(len(m.snap.DeadLetters)) + ")"
		}
		if view(i) == m.view {
			b.WriteString(m.st.r(m.st.tabOn, "["+label+"]"))
		} else {
			b.WriteString(m.st.r(m.st.tab, " "+label+" "))
		}
		b.WriteString(" ")
	}
	return cut(b.String(), w)
}

func (m model) footer(w int) string {
	st := m.st
	switch {
	case m.input != inputNone:
		return cut("filter: "+m.inputBuf+"▏  (enter keeps, esc clears)", w)
	case m.prompt:
		return cut(st.r(st.status, "replay: [s] selected #"+utoa(m.dlSel)+"  [a] all "+itoa(len(m.snap.DeadLetters))+"  [esc] cancel"), w)
	case m.status != "":
		return cut(st.r(st.status, m.status), w)
	}
	return m.help.ShortHelpView(m.footerKeys())
}

// footerKeys are the keys of the current pane, then the global ones.
func (m model) footerKeys() []key.Binding {
	k := m.keys
	var local []key.Binding
	switch {
	case m.showHelp:
		local = []key.Binding{k.Back}
	case m.detail != "" || m.view == viewDead && m.dlOpen:
		local = []key.Binding{k.Back, k.Move}
	case m.view == viewGraph:
		local = []key.Binding{k.Move, k.Open, k.Right}
	case m.view == viewServices:
		local = []key.Binding{k.Sort, k.Reverse, k.Filter, k.Open}
	case m.view == viewEvents:
		local = []key.Binding{k.Follow, k.Filter, k.Open}
	case m.view == viewDead:
		local = []key.Binding{k.Open, k.Replay, k.Export}
	case m.view == viewTree:
		local = []key.Binding{k.Open}
	}
	return append(local, k.ShortHelp()...)
}

func (m model) helpView(w, h int) []string {
	hm := m.help
	hm.SetWidth(w)
	lines := []string{"", " keys (? or esc closes)", ""}
	for _, l := range strings.Split(hm.FullHelpView(m.keys.FullHelp()), "\n") {
		lines = append(lines, " "+l)
	}
	return append(lines, "",
		" graph: ╔═╗ selected  ╭─╮ fork  ┏━┓ sink  ─book─ branch  BP backpressure  ↻3 restarts  FAIL failed  STOP stopped",
		"        each box: name · out/s and p99 latency · mailbox fill; \"bottleneck\" marks the busiest stage",
		" header: display paused = the screen is frozen (space), data keeps flowing; PAUSED = intake paused (p)")
}
