package tui

import (
	"slices"
	"strings"
	"time"

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

// eventGroups groups the snapshot's events, oldest group first by its
// latest occurrence, keeping those that match the filter.
func (m model) eventGroups() []evGroup {
	f := strings.ToLower(m.eFilter)
	type k struct {
		kind       snapshot.EventKind
		stage, msg string
	}
	idx := map[k]int{}
	var gs []evGroup
	for _, e := range m.snap.Events {
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
	case snapshot.EventEscalation, snapshot.EventDeadLetter:
		return s.r(s.bad, string(k))
	case snapshot.EventRetry:
		return s.r(s.warn, string(k))
	}
	return s.r(s.dim, clean(string(k), 12))
}

func (m model) eventsView(w, h int) []string {
	gs := m.eventGroups()
	rowsH := max(h-2, 1)
	stageW := 16
	lines := []string{m.st.r(m.st.bold, padLeft("AGE", 7)+" "+pad("KIND", 11)+" "+pad("STAGE", stageW)+" MESSAGE")}
	end := min(m.eOff+rowsH, len(gs))
	for i := min(m.eOff, end); i < end; i++ {
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
		if i == m.eSel && !m.follow {
			mark = "▸"
		}
		lines = append(lines, mark+" "+padLeft(age(m.snap.Taken.Sub(g.last)), 5)+" "+
			pad(m.st.event(g.kind), 11)+" "+pad(stage, stageW)+" "+msg)
	}
	if len(gs) == 0 {
		lines = append(lines, "  no events")
		if m.eFilter != "" {
			lines[len(lines)-1] += " match " + quote(m.eFilter)
		}
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	follow := "off"
	if m.follow {
		follow = "on"
	}
	info := "follow: " + follow + " (f)   " + plural(len(m.snap.Events), "event") + " in " + plural(len(gs), "group")
	if m.eFilter != "" {
		info += "   filter: " + quote(m.eFilter)
	}
	return append(lines, m.st.r(m.st.dim, info+"   (/ filter by stage or kind)"))
}
