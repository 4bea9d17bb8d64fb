package tui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// endedMsg says the run is over (Options.Done closed): the monitor shows the
// final summary and holds it until q, so a short run can still be read.
type endedMsg struct{}

// summaryPane is the final summary of a run that has ended, over the views;
// esc browses them in their final state, q quits.
type summaryPane struct{}

func (p summaryPane) update(frame, tea.Msg) (pane, tea.Cmd) { return p, nil }
func (p summaryPane) settle(frame) pane                     { return p }
func (summaryPane) help(k keyMap) []key.Binding             { return []key.Binding{k.Back} }
func (summaryPane) selected(frame) string                   { return "" }
func (summaryPane) prompt(frame) string                     { return "" }

func (summaryPane) view(f frame) []string {
	s, st := f.snap, f.st
	t := s.Totals
	took := time.Duration(0)
	if !s.Started.IsZero() && s.Taken.After(s.Started) {
		took = s.Taken.Sub(s.Started)
	}
	title := "run complete"
	if s.State == snapshot.Failed {
		title = "run failed"
	}
	finished := t.Done + t.Stopped + t.Failed
	lines := []string{
		"",
		" " + st.r(st.title, title) + "   " + st.r(st.flow(s.State), string(s.State)) + "   in " + span(took),
	}
	if s.Err != "" {
		lines = append(lines, " "+st.r(st.bad, "error: ")+clean(s.Err, maxLine))
	}
	lines = append(lines, "",
		"   read       "+padLeft(count(t.Read), 7)+"   malformed "+st.r(failStyle(st, t.Malformed), count(t.Malformed)),
		"   done       "+padLeft(count(t.Done), 7)+"   stopped "+count(t.Stopped)+"   failed "+st.r(failStyle(st, t.Failed), count(t.Failed))+
			"   ("+plural(len(s.DeadLetters), "dead letter")+" kept)",
		"   retried    "+padLeft(count(t.Retried), 7)+"   restarts "+count(t.Restarts),
	)
	if took > 0 {
		lines = append(lines, "   throughput "+padLeft(rate(float64(finished)/took.Seconds()), 7)+"/s on average")
	}
	slow := -1
	for i, x := range s.Stages {
		if x.Kind != snapshot.KindSink && (slow < 0 || x.P99 > s.Stages[slow].P99) {
			slow = i
		}
	}
	if slow >= 0 && s.Stages[slow].P99 > 0 {
		lines = append(lines, "   slowest    "+clean(s.Stages[slow].Name, maxName)+"  p99 "+latency(s.Stages[slow].P99))
	}
	return append(lines, "", " "+st.r(st.dim, "q quits · esc browses the views in their final state"))
}

// span formats a run's length: 25ms, 1.2s, 3m12s.
func span(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	if d < time.Minute {
		return latency(d)
	}
	return age(d)
}
