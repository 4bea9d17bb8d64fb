package tui

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// maskDigits replaces each run of digits with '#', so that "restart 3/10"
// and "restart 4/10" are repeats of one event.
func maskDigits(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	var b strings.Builder
	digit := false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			if !digit {
				b.WriteByte('#')
			}
			digit = true
			continue
		}
		digit = false
		b.WriteRune(r)
	}
	return b.String()
}

// evGroup is a run of repeated events: same kind and stage, and messages
// that differ only in their numbers. msg is the newest message.
type evGroup struct {
	kind        snapshot.EventKind
	stage, msg  string
	count       int
	first, last time.Time
}

// eventsPane is the list of recent events, repeats grouped; while it
// follows, the newest group is selected.
type eventsPane struct {
	follow bool
	filter string
	typing bool
	sel    int // selected group
	off    int
}

// groups groups the frame's events, oldest group first by its latest
// occurrence, keeping those that match the filter.
func (p eventsPane) groups(fr frame) []evGroup {
	f := strings.ToLower(p.filter)
	type k struct {
		kind       snapshot.EventKind
		stage, msg string
	}
	idx := map[k]int{}
	var gs []evGroup
	for _, e := range fr.snap.Events {
		if f != "" && !strings.Contains(strings.ToLower(e.Stage), f) && !strings.Contains(string(e.Kind), f) {
			continue
		}
		key := k{e.Kind, e.Stage, maskDigits(e.Message)}
		if i, ok := idx[key]; ok {
			g := &gs[i]
			g.count++
			if !e.Time.Before(g.last) {
				g.last, g.msg = e.Time, e.Message
			}
			if e.Time.Before(g.first) {
				g.first = e.Time
			}
			continue
		}
		idx[key] = len(gs)
		gs = append(gs, evGroup{kind: e.Kind, stage: e.Stage, msg: e.Message, count: 1, first: e.Time, last: e.Time})
	}
	slices.SortStableFunc(gs, func(a, b evGroup) int { return a.last.Compare(b.last) })
	return gs
}

func (s styles) event(k snapshot.EventKind) string {
	switch k {
	case snapshot.EventRestart:
		return s.r(s.restart, string(k))
	case snapshot.EventEscalation, snapshot.EventDeadLetter, snapshot.EventBrokerLost:
		return s.r(s.bad, string(k))
	case snapshot.EventRetry, snapshot.EventMalformed:
		return s.r(s.warn, string(k))
	}
	return s.r(s.dim, clean(string(k), 12))
}

func (p eventsPane) update(f frame, msg tea.Msg) (pane, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && p.typing {
		p.filter, p.typing = editText(p.filter, k)
		p.typing = !p.typing
		return p, nil
	}
	if d, ok := delta(f, msg); ok {
		n := len(p.groups(f))
		p.sel = max(step(p.sel, n, d), 0)
		p.follow = p.sel == n-1 && d > 0
		return p, nil
	}
	switch msg := msg.(type) {
	case clickMsg:
		if i := p.off + msg.y - 1; msg.y >= 1 && i < len(p.groups(f)) {
			p.sel, p.follow = i, false
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, f.keys.Follow):
			p.follow = !p.follow
		case key.Matches(msg, f.keys.Filter):
			p.typing = true
		case key.Matches(msg, f.keys.Back):
			p.filter = ""
		}
	}
	return p, nil
}

func (p eventsPane) settle(f frame) pane {
	n := len(p.groups(f))
	if p.follow {
		p.sel = n - 1
	}
	p.sel = max(0, min(p.sel, n-1))
	p.off = visible(p.off, p.sel, n, f.h-2)
	return p
}

func (eventsPane) help(k keyMap) []key.Binding { return []key.Binding{k.Follow, k.Filter, k.Open} }

func (p eventsPane) selected(f frame) string {
	if g := p.groups(f); p.sel < len(g) {
		return g[p.sel].stage
	}
	return ""
}

func (p eventsPane) prompt(frame) string {
	if p.typing {
		return typingPrompt(p.filter)
	}
	return ""
}

func (p eventsPane) view(f frame) []string {
	h, st := f.h, f.st
	gs := p.groups(f)
	rowsH := max(h-2, 1)
	stageW := 16
	lines := []string{st.r(st.bold, padLeft("AGE", 7)+" "+pad("KIND", 11)+" "+pad("STAGE", stageW)+" MESSAGE")}
	end := min(p.off+rowsH, len(gs))
	for i := min(p.off, end); i < end; i++ {
		g := gs[i]
		msg := clean(g.msg, maxLine)
		if g.count > 1 {
			msg = "×" + itoa(g.count) + " in " + age(g.last.Sub(g.first)) + "  " + msg
		}
		stage := clean(g.stage, maxName)
		if stage == "" {
			stage = "(flow)"
		}
		mark := " "
		if i == p.sel && !p.follow {
			mark = "▸"
		}
		lines = append(lines, mark+" "+padLeft(age(f.snap.Taken.Sub(g.last)), 5)+" "+
			pad(st.event(g.kind), 11)+" "+pad(stage, stageW)+" "+msg)
	}
	if len(gs) == 0 {
		lines = append(lines, "  no events")
		if p.filter != "" {
			lines[len(lines)-1] += " match " + quote(p.filter)
		}
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	follow := "off"
	if p.follow {
		follow = "on"
	}
	info := "follow: " + follow + " (f)   " + plural(len(f.snap.Events), "event") + " in " + plural(len(gs), "group")
	if p.filter != "" {
		info += "   filter: " + quote(p.filter)
	}
	return append(lines, st.r(st.dim, info+"   (/ filter by stage or kind)"))
}
