package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// wheelRows is how many rows one notch of the mouse wheel scrolls.
const wheelRows = 3

// mouse handles a click or the wheel: a click on a tab shows its view, a
// click in the body selects what is under it (a row, a graph node), the
// wheel scrolls the pane in front.
func (m *model) mouse(msg tea.MouseMsg) tea.Cmd {
	ev := msg.Mouse()
	top := headerLines + 1 // the body's first line
	switch msg.(type) {
	case tea.MouseWheelMsg:
		switch ev.Button {
		case tea.MouseWheelUp:
			return m.route(scrollMsg{-wheelRows})
		case tea.MouseWheelDown:
			return m.route(scrollMsg{wheelRows})
		}
	case tea.MouseClickMsg:
		if ev.Button != tea.MouseLeft {
			return nil
		}
		switch {
		case ev.Y == headerLines:
			if v, ok := m.tabAt(ev.X); ok {
				m.switchTo(v)
			}
		case ev.Y >= top && ev.Y < top+m.bodyHeight():
			return m.route(clickMsg{x: ev.X, y: ev.Y - top})
		}
	}
	return nil
}

// tabAt is the view whose tab covers column x.
func (m model) tabAt(x int) (view, bool) {
	at := 0
	for i := range numViews {
		w := ansi.StringWidth(m.tabLabel(i)) + 2 // "[label]" or " label "
		if x >= at && x < at+w {
			return i, true
		}
		at += w + 1
	}
	return 0, false
}
