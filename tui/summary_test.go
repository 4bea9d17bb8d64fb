package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// final is the fixture once the run is over: drained, nothing in flight.
func final() snapshot.Snapshot {
	s := fixture()
	s.State = snapshot.Stopped
	s.Taken = s.Started.Add(25 * time.Millisecond)
	s.Totals.InFlight, s.Totals.Read, s.Totals.Malformed = 0, 36015, 3
	return s
}

// When the run ends the monitor holds a final summary until q, instead of
// vanishing with the run; q then quits without draining anything.
func TestSummaryHoldsUntilQ(t *testing.T) {
	t.Parallel()
	src := &fakeSource{snap: fixture()}
	m := fixtureModel(fixture(), 120, 40)
	m.src = src
	nm, cmd := m.Update(endedMsg{})
	m = nm.(model)
	if cmd == nil {
		t.Fatal("the end of the run asked for no final snapshot")
	}
	if _, ok := cmd().(snapMsg); !ok {
		t.Fatal("the end of the run did not poll the final snapshot")
	}
	nm, cmd = m.Update(snapMsg{final()})
	m = nm.(model)
	if cmd != nil {
		t.Error("polling goes on after the run ended")
	}
	out := m.render()
	for _, want := range []string{"run complete", "STOPPED", "in 25ms", "malformed 3", "failed 3", "q quits"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if m = press(m, "esc", "2"); !strings.Contains(m.render(), "run over: q quits") || m.overlay != nil {
		t.Errorf("esc does not browse the final state:\n%s", m.render())
	}
	_, cmd = pressCmd(t, m, "q")
	if cmd == nil {
		t.Fatal("q: no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q on the summary did not quit")
	}
	if _, _, drained, _ := src.counts(); drained != 0 {
		t.Errorf("quitting a finished run drained it %d times", drained)
	}
}

// --exit-on-done: the monitor quits when the run is over.
func TestSummaryExitOnDone(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 120, 40)
	m.exitOnDone = true
	_, cmd := m.Update(endedMsg{})
	if cmd == nil {
		t.Fatal("no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("the monitor did not quit at the end of the run")
	}
}

// Malformed input lines are counted in the header and listed as events.
func TestMalformedShown(t *testing.T) {
	t.Parallel()
	s := fixture()
	s.Totals.Read, s.Totals.Malformed = 36015, 3
	s.Events = append(s.Events, snapshot.Event{Time: s.Taken.Add(-time.Second), Kind: snapshot.EventMalformed, Message: "line 12: invalid JSON"})
	m := fixtureModel(s, 120, 40)
	if out := m.render(); !strings.Contains(out, "malformed 3") {
		t.Errorf("header lacks the malformed count:\n%s", out)
	}
	if out := press(m, "3").render(); !strings.Contains(out, "malformed") || !strings.Contains(out, "line 12: invalid JSON") {
		t.Errorf("events lack the malformed line:\n%s", out)
	}
}
