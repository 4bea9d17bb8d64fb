package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// styles holds the monitor's lipgloss styles. With colour off every style
// renders text unchanged, so the output is plain text.
type styles struct {
	color bool

	title, dim, bold, sel, tab, tabOn, status lipgloss.Style
	ok, warn, bad, restart, stopped           lipgloss.Style
}

func newStyles(color bool) styles {
	s := styles{color: color}
	if !color {
		return s
	}
	s.title = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#7D56F4"))
	s.dim = lipgloss.NewStyle().Foreground(lipgloss.Color("#808080"))
	s.bold = lipgloss.NewStyle().Bold(true)
	s.sel = lipgloss.NewStyle().Reverse(true)
	s.tab = lipgloss.NewStyle().Foreground(lipgloss.Color("#A0A0A0"))
	s.tabOn = lipgloss.NewStyle().Bold(true).Underline(true).Foreground(lipgloss.Color("#FFFFFF"))
	s.status = lipgloss.NewStyle().Foreground(lipgloss.Color("#E0C060"))
	s.ok = lipgloss.NewStyle().Foreground(lipgloss.Color("#40C040"))
	s.warn = lipgloss.NewStyle().Foreground(lipgloss.Color("#E0B000"))
	s.bad = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#F04040"))
	s.restart = lipgloss.NewStyle().Foreground(lipgloss.Color("#D070F0"))
	s.stopped = lipgloss.NewStyle().Foreground(lipgloss.Color("#808080"))
	return s
}

// r renders str with st, or returns it unchanged when colour is off.
func (s styles) r(st lipgloss.Style, str string) string {
	if !s.color || str == "" {
		return str
	}
	return st.Render(str)
}

// stage is the style of a stage in state st.
func (s styles) stage(st snapshot.StageState) lipgloss.Style {
	switch st {
	case snapshot.StageBackpressure:
		return s.warn
	case snapshot.StageRestarting:
		return s.restart
	case snapshot.StageFailed:
		return s.bad
	case snapshot.StageStopped:
		return s.stopped
	default:
		return s.ok
	}
}

// flow is the style of the flow in state st.
func (s styles) flow(st snapshot.State) lipgloss.Style {
	switch st {
	case snapshot.Running:
		return s.ok
	case snapshot.Degraded, snapshot.Paused, snapshot.Draining:
		return s.warn
	case snapshot.Failed:
		return s.bad
	default:
		return s.stopped
	}
}

func (s styles) help() help.Model {
	h := help.New()
	if !s.color {
		h.Styles = help.Styles{}
	}
	return h
}
