package tui

import (
	"context"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// key handles one key press: the keys of the whole monitor here, the rest
// in the pane in front.
func (m model) key(k tea.KeyPressMsg) (model, tea.Cmd) {
	if m.ended && (key.Matches(k, m.keys.Quit) || k.String() == "ctrl+c") && m.front().prompt(m.frame()) == "" {
		return m, tea.Quit // the run is over: nothing left to drain
	}
	if m.attached && key.Matches(k, m.keys.Quit) && m.front().prompt(m.frame()) == "" || m.attached && k.String() == "ctrl+c" {
		return m, tea.Quit // detach: the flow is not ours to drain
	}
	if k.String() == "ctrl+c" {
		if m.draining { // the second ctrl+c: leave now
			if m.cancelDrain != nil {
				m.cancelDrain()
			}
			return m, tea.Quit
		}
		return m.quit()
	}
	f := m.frame()
	if m.front().prompt(f) != "" { // it takes every key
		return m, m.route(k)
	}
	m.status = ""
	if m.player != nil && m.overlay == nil && m.playKey(k) {
		return m, nil
	}
	ks := m.keys
	_, help := m.overlay.(helpPane)
	switch {
	case key.Matches(k, ks.Quit):
		if m.draining {
			m.status = "draining… ctrl+c quits at once"
			return m, nil
		}
		return m.quit()
	case key.Matches(k, ks.Help):
		if help {
			m.overlay = nil
		} else {
			m.overlay = helpPane{}
		}
	case help && !key.Matches(k, ks.Back):
		return m, m.route(k) // scrolls it
	case key.Matches(k, ks.Graph, ks.Services, ks.Events, ks.Dead, ks.Tree):
		n, _ := strconv.Atoi(k.String())
		m.switchTo(view(n - 1))
	case key.Matches(k, ks.Next):
		m.switchTo((m.view + 1) % numViews)
	case key.Matches(k, ks.Prev):
		m.switchTo((m.view + numViews - 1) % numViews)
	case key.Matches(k, ks.Freeze):
		m.freeze(!m.frozen)
	case key.Matches(k, ks.StepBack, ks.StepFwd, ks.MinuteBack, ks.MinuteFwd):
		m.travel(k)
	case key.Matches(k, ks.Intake):
		return m, m.toggleIntake()
	case key.Matches(k, ks.Back) && m.overlay != nil:
		m.overlay = nil
	case key.Matches(k, ks.Tap) && (m.overlay == nil || m.detailOpen()):
		return m, m.openTap()
	case key.Matches(k, ks.Open) && m.overlay == nil && m.front().selected(f) != "":
		if name := m.front().selected(f); f.stage(name) != nil {
			m.overlay = detailPane{stage: name}
		}
	default:
		return m, m.route(k)
	}
	return m, nil
}

// switchTo shows view v, closing any overlay; each view keeps its own
// state (cursor, filter, an open dead letter) for when it comes back.
func (m *model) switchTo(v view) { m.view, m.overlay = v, nil }

// quit asks the source to drain; the model quits when Drain returns.
func (m model) quit() (model, tea.Cmd) {
	m.draining = true
	m.status = "draining: finishing in-flight inputs… ctrl+c quits at once"
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancelDrain = cancel
	src := m.src
	return m, func() tea.Msg { return drainedMsg{src.Drain(ctx)} }
}

func (m model) toggleIntake() tea.Cmd {
	src, pause, ctx := m.src, !m.intakePaused, m.ctx
	return func() tea.Msg {
		if pause {
			return intakeMsg{paused: pause, err: src.Pause(ctx)}
		}
		return intakeMsg{paused: pause, err: src.Resume(ctx)}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
