package tui

import (
	"context"
	"math"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// key handles one key press.
func (m model) key(k tea.KeyPressMsg) (model, tea.Cmd) {
	if k.String() == "ctrl+c" {
		if m.draining { // the second ctrl+c: leave now
			if m.cancelDrain != nil {
				m.cancelDrain()
			}
			return m, tea.Quit
		}
		return m.quit()
	}
	if m.input != inputNone {
		return m.typed(k), nil
	}
	if m.prompt {
		return m.promptKey(k)
	}
	m.status = ""
	ks := m.keys
	if m.showHelp && !key.Matches(k, ks.Quit) {
		if key.Matches(k, ks.Help, ks.Back) {
			m.showHelp = false
		}
		return m, nil
	}
	half := max(m.bodyHeight()/2, 1)
	switch {
	case key.Matches(k, ks.Quit):
		if m.draining {
			m.status = "draining… ctrl+c quits at once"
			return m, nil
		}
		return m.quit()
	case key.Matches(k, ks.Help):
		m.showHelp = true
	case key.Matches(k, ks.Graph, ks.Services, ks.Events, ks.Dead, ks.Tree):
		n, _ := strconv.Atoi(k.String())
		m.switchTo(view(n - 1))
	case key.Matches(k, ks.Next):
		m.switchTo((m.view + 1) % numViews)
	case key.Matches(k, ks.Prev):
		m.switchTo((m.view + numViews - 1) % numViews)
	case key.Matches(k, ks.Freeze):
		m.frozen = !m.frozen
		if !m.frozen && m.held.Taken.After(m.snap.Taken) {
			m.apply(m.held)
		}
	case key.Matches(k, ks.Intake):
		return m, m.toggleIntake()
	case key.Matches(k, ks.Back):
		m.back()
	case key.Matches(k, ks.Open):
		m.open()
	case key.Matches(k, ks.Up):
		m.move(-1)
	case key.Matches(k, ks.Down):
		m.move(1)
	case key.Matches(k, ks.HalfUp):
		m.move(-half)
	case key.Matches(k, ks.HalfDown):
		m.move(half)
	case key.Matches(k, ks.Top):
		m.move(math.MinInt32)
	case key.Matches(k, ks.Bottom):
		m.move(math.MaxInt32)
		if m.view == viewEvents && m.detail == "" {
			m.follow = true
		}
	case key.Matches(k, ks.Left):
		m.gXOf = max(m.gXOf-8, 0)
	case key.Matches(k, ks.Right):
		m.gXOf += 8
	case m.detail != "":
		// the remaining keys act on lists, not on the detail pane
	case key.Matches(k, ks.Sort) && m.view == viewServices:
		m.sortCol = (m.sortCol + 1) % len(sortColumns)
	case key.Matches(k, ks.Reverse) && m.view == viewServices:
		m.sortRev = !m.sortRev
	case key.Matches(k, ks.Filter) && m.view == viewServices:
		m.input, m.inputBuf = inputServices, m.filter
	case key.Matches(k, ks.Filter) && m.view == viewEvents:
		m.input, m.inputBuf = inputEvents, m.eFilter
	case key.Matches(k, ks.Follow) && m.view == viewEvents:
		m.follow = !m.follow
	case key.Matches(k, ks.Replay) && m.view == viewDead:
		if len(m.snap.DeadLetters) == 0 {
			m.status = "no dead letters to replay"
		} else {
			m.prompt = true
		}
	case key.Matches(k, ks.Export) && m.view == viewDead:
		return m, m.export()
	}
	return m, nil
}

func (m *model) switchTo(v view) {
	m.view, m.detail, m.dlOpen, m.showHelp = v, "", false, false
}

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

// typed edits the filter being typed.
func (m model) typed(k tea.KeyPressMsg) model {
	mode := m.input
	switch k.String() {
	case "enter":
		m.input = inputNone
	case "esc":
		m.inputBuf = ""
		m.input = inputNone
	case "backspace":
		if r := []rune(m.inputBuf); len(r) > 0 {
			m.inputBuf = string(r[:len(r)-1])
		}
	default:
		if k.Text != "" && len(m.inputBuf) < 64 {
			m.inputBuf += clean(k.Text, 8)
		}
	}
	if mode == inputServices {
		m.filter = m.inputBuf
	} else {
		m.eFilter = m.inputBuf
	}
	return m
}

func (m model) promptKey(k tea.KeyPressMsg) (model, tea.Cmd) {
	m.prompt = false
	src, ctx := m.src, m.ctx
	switch k.String() {
	case "s", "enter", "y":
		if m.dlSel == 0 {
			return m, nil
		}
		id := m.dlSel
		m.status = "replaying #" + strconv.FormatUint(id, 10) + "…"
		return m, func() tea.Msg { n, err := src.Replay(ctx, id); return replayedMsg{n, err} }
	case "a", "A":
		m.status = "replaying all dead letters…"
		return m, func() tea.Msg { n, err := src.Replay(ctx); return replayedMsg{n, err} }
	}
	return m, nil
}

func (m *model) back() {
	switch {
	case m.detail != "":
		m.detail = ""
	case m.view == viewDead && m.dlOpen:
		m.dlOpen = false
	case m.view == viewServices && m.filter != "":
		m.filter = ""
	case m.view == viewEvents && m.eFilter != "":
		m.eFilter = ""
	}
}

func (m *model) open() {
	if m.detail != "" {
		return
	}
	switch m.view {
	case viewGraph:
		m.detail = m.gSel
	case viewServices:
		m.detail = m.cursor
	case viewEvents:
		if g := m.eventGroups(); m.eSel < len(g) {
			m.detail = g[m.eSel].stage
		}
	case viewDead:
		m.dlOpen = m.dlSel != 0
		m.dlDetOf = 0
	case viewTree:
		if lines := m.treeLines(); m.trSel < len(lines) {
			m.detail = lines[m.trSel].stage
		}
	}
	if m.detail != "" && m.stageByName(m.detail) == nil {
		m.detail = ""
	}
	m.detOff = 0
}

// move moves the current view's cursor by d rows.
func (m *model) move(d int) {
	step := func(i, n int) int {
		if n == 0 {
			return -1
		}
		return int(math.Max(0, math.Min(float64(n-1), float64(i)+float64(d))))
	}
	if m.detail != "" {
		m.detOff = step(m.detOff, len(m.detailLines()))
		return
	}
	switch m.view {
	case viewGraph:
		st := m.snap.Stages
		if i := step(indexOfStage(st, m.gSel), len(st)); i >= 0 {
			m.gSel = st[i].Name
			m.revealGraph()
		}
	case viewServices:
		rows := m.serviceRows()
		if i := step(indexOfStage(rows, m.cursor), len(rows)); i >= 0 {
			m.cursor = rows[i].Name
		}
	case viewEvents:
		n := len(m.eventGroups())
		m.eSel = max(step(m.eSel, n), 0)
		m.follow = m.eSel == n-1 && d > 0
	case viewDead:
		if m.dlOpen {
			m.dlDetOf = step(m.dlDetOf, len(m.deadDetail()))
			return
		}
		rows := m.deadRows()
		if i := step(m.deadIndex(rows), len(rows)); i >= 0 {
			m.dlSel = rows[i].ID
		}
	case viewTree:
		m.trSel = max(step(m.trSel, len(m.treeLines())), 0)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
