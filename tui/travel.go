package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// freeze pauses the display on the newest snapshot (snapshots are still
// polled and kept), or resumes it on the newest one.
func (m *model) freeze(on bool) {
	m.frozen = on
	if on {
		m.show(m.tl.last())
		return
	}
	if m.tl.len() > 0 {
		m.snap, _ = m.tl.at(m.tl.last())
	}
	m.hist = m.live
}

// travel moves the paused display through the timeline: [ and ] one
// snapshot, { and } a minute. [ and { pause a live display first.
func (m *model) travel(k tea.KeyPressMsg) {
	ks := m.keys
	if !m.frozen {
		if !key.Matches(k, ks.StepBack, ks.MinuteBack) || m.tl.len() == 0 {
			return
		}
		m.freeze(true)
	}
	at := m.at
	switch {
	case key.Matches(k, ks.StepBack):
		if at > m.tl.first {
			at--
		}
	case key.Matches(k, ks.StepFwd):
		at++
	case key.Matches(k, ks.MinuteBack):
		at = m.tl.seek(m.snap.Taken.Add(-time.Minute))
	case key.Matches(k, ks.MinuteFwd):
		at = m.tl.seek(m.snap.Taken.Add(time.Minute))
	}
	m.show(at)
}

// show displays the timeline's snapshot seq, with the sparklines as they
// were then.
func (m *model) show(seq uint64) {
	if m.tl.len() == 0 {
		return
	}
	m.snap, m.at = m.tl.at(seq)
	m.have = true
	h := newHistory(m.refresh)
	from := m.tl.first
	if m.at-from >= uint64(h.size) {
		from = m.at - uint64(h.size) + 1
	}
	for i := from; i <= m.at; i++ {
		s, _ := m.tl.at(i)
		h.add(s)
	}
	m.hist = h
}

// scrubber shows where the paused display is in the timeline: how long
// before the newest snapshot, and a bar of w cells with the moment marked.
func (m model) scrubber(w int) string {
	newest, _ := m.tl.at(m.tl.last())
	back := newest.Taken.Sub(m.snap.Taken)
	label := "display paused now"
	if back > 0 {
		label = "display paused -" + span(back)
	}
	if p := m.player; p != nil {
		oldest, _ := m.tl.at(m.tl.first)
		state := "⏸"
		if p.playing {
			state = "▶ " + speedLabel(p.speed)
		}
		label = "replay " + state + " " + span(m.snap.Taken.Sub(oldest.Taken)) + " of " + span(newest.Taken.Sub(oldest.Taken))
	}
	n := m.tl.len()
	pos := w - 1
	if n > 1 {
		pos = int(float64(m.at-m.tl.first) / float64(n-1) * float64(w-1))
	}
	bar := strings.Repeat("━", pos) + "●" + strings.Repeat("─", max(w-1-pos, 0))
	return label + " " + bar + " " + itoa(int(m.at-m.tl.first)+1) + "/" + itoa(n)
}
