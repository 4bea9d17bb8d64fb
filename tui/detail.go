package tui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// detailPane is one stage in depth, opened with enter over any view.
type detailPane struct {
	stage string
	off   int
}

func (p detailPane) update(f frame, msg tea.Msg) (pane, tea.Cmd) {
	if d, ok := delta(f, msg); ok {
		p.off = max(step(p.off, len(p.lines(f)), d), 0)
	}
	return p, nil
}

func (p detailPane) settle(f frame) pane {
	p.off = clampOff(p.off, len(p.lines(f)), f.h)
	return p
}

func (detailPane) help(k keyMap) []key.Binding { return []key.Binding{k.Back, k.Move} }

func (p detailPane) selected(frame) string { return p.stage }

func (detailPane) prompt(frame) string { return "" }

func (p detailPane) view(f frame) []string {
	lines := p.lines(f)
	return lines[min(p.off, len(lines)):]
}

// lines are the stage's config and counters, large sparklines from the
// monitor's history, its last error and its recent events.
func (p detailPane) lines(f frame) []string {
	s := f.stage(p.stage)
	if s == nil {
		return []string{"", "  " + clean(p.stage, maxName) + " is no longer in the flow (esc back)"}
	}
	st := f.st
	w := max(f.w-2, 8)
	where := "main line"
	if s.Path != "" {
		where = clean(s.Path, maxLine)
	}
	timeout := "none"
	if s.Timeout > 0 {
		timeout = s.Timeout.String()
	}
	mbox := itoa(s.Mailbox)
	if s.MailboxCap > 0 {
		mbox += "/" + itoa(s.MailboxCap)
	}
	config := "concurrency " + itoa(s.Concurrency) + "   timeout " + timeout
	if r := f.snap.Retry; r.Attempts > 0 {
		config += "   retry " + itoa(r.Attempts) + " attempts, " + r.Initial.String() + "→" + r.Max.String()
	}
	if s.Key != "" {
		config += "   routes on " + clean(s.Key, maxName)
	}
	lines := []string{
		st.r(st.title, clean(s.Name, maxName)) + "  " + clean(string(s.Kind), 16) + " on " + where + "  " +
			st.r(st.stage(s.State), stateLabel(s.State)) + "   (esc back)",
		config + "   supervisor " + clean(s.Supervisor, maxName) + budget(f.snap, s.Supervisor),
		"expects " + list(s.Expects) + "   promises " + list(s.Promises),
		"received " + count(s.Received) + "  done " + count(s.Done) + "  stopped " + count(s.Stopped) +
			"  retried " + count(s.Retried) + "  failed " + count(s.Failed) + "  restarts " + count(s.Restarts) +
			"  in flight " + itoa(s.InFlight) + "  mailbox " + mbox,
	}
	if b := s.Batch; b != nil {
		lines = append(lines, batching(b))
	}
	if s.LastError != "" {
		lines = append(lines, st.r(st.bad, "last error: ")+clean(s.LastError, maxLine))
	}
	h := f.hist.stage(s.Name)
	graph := func(title string, vals []float64, now string, rows int) {
		peak := 0.0
		for _, v := range vals {
			peak = max(peak, v)
		}
		lines = append(lines, "", st.r(st.bold, title)+"  now "+now+"  peak "+fmtPeak(title, peak))
		for _, r := range tallSpark(vals, w, rows) {
			lines = append(lines, st.r(st.ok, r))
		}
	}
	graph("out/s", h.rate.values(), rate(s.OutRate), 3)
	graph("mailbox", h.mailbox.values(), mbox, 2)
	graph("p50", h.p50.values(), latency(s.P50), 2)
	graph("p99", h.p99.values(), latency(s.P99), 2)

	lines = append(lines, "", st.r(st.bold, "recent events"))
	var evs []snapshot.Event
	for _, e := range f.snap.Events {
		if e.Stage == s.Name {
			evs = append(evs, e)
		}
	}
	if len(evs) == 0 {
		lines = append(lines, "  none")
	}
	slices.Reverse(evs)
	for _, e := range evs[:min(len(evs), 20)] {
		lines = append(lines, padLeft(age(f.snap.Taken.Sub(e.Time)), 6)+" "+pad(st.event(e.Kind), 11)+" "+clean(e.Message, maxLine))
	}
	return lines
}

// batching is a batched stage's line: its batches, their sizes and why
// they were sent.
func batching(b *snapshot.Batching) string {
	wait := "none"
	if b.MaxWait > 0 {
		wait = b.MaxWait.String()
	}
	return "batches " + count(b.Batches) + "  size mean " + strconv.FormatFloat(b.MeanSize(), 'f', 1, 64) +
		" p99 " + itoa(b.P99Size) + " (max " + itoa(b.MaxSize) + ", wait " + wait + ")" +
		"  sent full " + count(b.Full) + "  wait " + count(b.Wait) + "  idle " + count(b.Idle)
}

func fmtPeak(title string, v float64) string {
	switch title {
	case "out/s":
		return rate(v)
	case "mailbox":
		return itoa(int(v))
	}
	return latency(time.Duration(v))
}

// budget is a supervisor's restart budget, for the detail pane.
func budget(s *snapshot.Snapshot, name string) string {
	for _, sup := range s.Supervisors {
		if sup.Name == name {
			return " (" + clean(sup.Strategy, 16) + ", " + itoa(sup.Restarts) + "/" + itoa(sup.MaxRestarts) +
				" restarts in " + age(sup.Within) + ")"
		}
	}
	return ""
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	c := make([]string, len(xs))
	for i, x := range xs {
		c[i] = clean(x, maxName)
	}
	return cut(strings.Join(c, ", "), maxLine)
}
