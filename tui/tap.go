package tui

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// tapKeep is how many samples the tap pane keeps.
const tapKeep = 50

// tapMsg is what a poll of a tap brought.
type tapMsg struct {
	stage   string
	samples []snapshot.Sample
	err     error
}

// tapPane shows a rolling sample of the contexts going through one stage,
// newest first: each with its input, attempt and time spent, and the keys
// the call changed as a diff (before → after). It polls the source's tap on
// every refresh while open; the tap closes by itself once it is not.
type tapPane struct {
	stage   string
	samples []snapshot.Sample // oldest first
	since   uint64
	err     string
	off     int
}

// poll asks the source for the tap's new samples.
func (p tapPane) poll(f frame) tea.Cmd {
	src, ctx, stage, since := f.src, f.ctx, p.stage, p.since
	return func() tea.Msg {
		t, ok := src.(snapshot.Tapper)
		if !ok {
			return tapMsg{stage: stage, err: snapshot.ErrNoTap}
		}
		s, err := t.Tap(ctx, stage, since)
		return tapMsg{stage: stage, samples: s, err: err}
	}
}

func (p tapPane) update(f frame, msg tea.Msg) (pane, tea.Cmd) {
	if d, ok := delta(f, msg); ok {
		p.off = max(step(p.off, len(p.lines(f)), d), 0)
		return p, nil
	}
	if m, ok := msg.(tapMsg); ok && m.stage == p.stage {
		p.err = ""
		if m.err != nil {
			p.err = m.err.Error()
			if errors.Is(m.err, snapshot.ErrNoTap) {
				p.err = "this monitor's source cannot tap stages (a recording, or an older flowrun)"
			}
		}
		for _, s := range m.samples {
			if s.Seq > p.since {
				p.samples = append(p.samples, s)
				p.since = s.Seq
			}
		}
		if n := len(p.samples); n > tapKeep {
			p.samples = slices.Clone(p.samples[n-tapKeep:])
		}
	}
	return p, nil
}

func (p tapPane) settle(f frame) pane {
	p.off = clampOff(p.off, len(p.lines(f)), f.h)
	return p
}

func (tapPane) help(k keyMap) []key.Binding { return []key.Binding{k.Back, k.Move} }
func (p tapPane) selected(frame) string     { return p.stage }
func (tapPane) prompt(frame) string         { return "" }

func (p tapPane) view(f frame) []string {
	lines := p.lines(f)
	return lines[min(p.off, len(lines)):]
}

func (p tapPane) lines(f frame) []string {
	st := f.st
	head := st.r(st.title, "tap "+clean(p.stage, maxName)) + "  " + plural(len(p.samples), "sample") +
		" (at most " + itoa(snapshot.TapRate) + "/s)   (esc closes · j/k scroll)"
	lines := []string{head, ""}
	if p.err != "" {
		lines = append(lines, st.r(st.bad, "  "+clean(p.err, maxLine)), "")
	}
	if len(p.samples) == 0 && p.err == "" {
		lines = append(lines, "  waiting for a context to go through "+clean(p.stage, maxName)+"…")
	}
	for i := len(p.samples) - 1; i >= 0; i-- {
		s := p.samples[i]
		line := "  " + s.Time.Format("15:04:05.000") + "  #" + utoa(s.Input) + "  attempt " + itoa(s.Attempt) +
			"  took " + latency(s.Took)
		if s.Err != "" {
			line += "  " + st.r(st.bad, "error: ") + clean(s.Err, maxLine)
		}
		lines = append(lines, st.r(st.bold, line))
		changed := s.Changed()
		switch {
		case s.Abandoned:
			lines = append(lines, st.r(st.dim, "      abandoned past its Timeout: the values it left were not read"))
		case len(changed) == 0:
			lines = append(lines, st.r(st.dim, cut("      no key changed: "+values(s.After), f.w)))
		}
		for _, k := range changed {
			before, had := s.Before[k]
			after, has := s.After[k]
			switch {
			case !had:
				before = "(unset)"
			case !has:
				after = "(deleted)"
			}
			lines = append(lines, "      "+pad(clean(k, maxName), 16)+" "+st.r(st.dim, clean(before, 48))+" → "+st.r(st.ok, clean(after, 48)))
		}
	}
	return lines
}

// values lists a sample's values, k=v by key.
func values(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = clean(k, maxName) + "=" + clean(m[k], 48)
	}
	return strings.Join(parts, "  ")
}

// openTap opens the tap pane on the stage under the cursor, if it calls a
// service.
func (m *model) openTap() tea.Cmd {
	f := m.frame()
	name := m.front().selected(f)
	s := f.stage(name)
	switch {
	case s == nil:
		return status("select a stage to tap (graph or services)")
	case s.Kind != snapshot.KindService:
		return status("only a service stage can be tapped: " + clean(name, maxName) + " is a " + string(s.Kind))
	}
	p := tapPane{stage: name}
	m.overlay = p
	return p.poll(f)
}

// detailOpen reports whether a stage's detail pane is in front: t taps it.
func (m model) detailOpen() bool { _, ok := m.overlay.(detailPane); return ok }
