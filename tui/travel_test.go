package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// seconds is a model that has seen n snapshots one second apart; snapshot
// i has done = i and price-music's out/s = i.
func seconds(t *testing.T, n int) model {
	t.Helper()
	m := newModel(context.Background(), &fakeSource{snap: fixture()}, time.Second, false)
	m = update(m, teaSize(120, 40))
	for i := range n {
		m = update(m, snapMsg{second(i)})
	}
	return m
}

func second(i int) snapshot.Snapshot {
	s := fixture()
	s.Taken = t0.Add(time.Duration(i) * time.Second)
	s.Totals.Done = uint64(i)
	s.Stages = append([]snapshot.Stage(nil), s.Stages...)
	s.Stages[5].OutRate = float64(i)
	return s
}

func doneShown(t *testing.T, m model) string {
	t.Helper()
	lines := strings.Split(m.render(), "\n")
	return strings.Fields(lines[1])[1] // "done N ..."
}

func TestTimeTravelSteps(t *testing.T) {
	t.Parallel()
	m := seconds(t, 200)
	if got := doneShown(t, m); got != "199" {
		t.Fatalf("live: done %s", got)
	}
	m = press(m, "]") // forward while live: nothing
	if m.frozen {
		t.Fatal("] paused a live display")
	}
	m = press(m, "[") // pauses, and steps back
	if !m.frozen || doneShown(t, m) != "198" {
		t.Fatalf("[: frozen=%v done %s", m.frozen, doneShown(t, m))
	}
	if out := m.render(); !strings.Contains(out, "display paused -1.0s") || !strings.Contains(out, "199/200") {
		t.Errorf("the scrubber does not say where we are:\n%s", out)
	}
	m = press(m, "[", "[", "]")
	if got := doneShown(t, m); got != "197" {
		t.Errorf("[ [ ]: done %s, want 197", got)
	}
	m = press(m, "{")
	if got := doneShown(t, m); got != "137" {
		t.Errorf("{: done %s, want 137 (a minute before 197)", got)
	}
	if out := m.render(); !strings.Contains(out, "-1m02s") {
		t.Errorf("the scrubber does not say a minute back:\n%s", out)
	}
	// every view shows that moment: the services table's rate of price-music
	if out := press(m, "2").render(); !strings.Contains(out, "backpressure     48    137") {
		t.Errorf("services do not show the moment:\n%s", out)
	}
	// new snapshots keep coming and are kept, the display stays
	m = update(m, snapMsg{second(200)})
	if got := doneShown(t, m); got != "137" || !strings.Contains(m.render(), "/201") {
		t.Errorf("a new snapshot moved the display to %s", got)
	}
	m = press(m, "}", "}", "}")
	if got := doneShown(t, m); got != "200" {
		t.Errorf("} } }: done %s, want the newest, 200", got)
	}
	for range 300 {
		m = press(m, "[")
	}
	if got := doneShown(t, m); got != "0" || !strings.Contains(m.render(), "1/201") {
		t.Errorf("[ ×300: done %s, want the oldest", got)
	}
	m = press(m, "space")
	if m.frozen || doneShown(t, m) != "200" {
		t.Errorf("space did not resume on the newest: done %s", doneShown(t, m))
	}
}

// The sparklines of a moment end at that moment.
func TestTimeTravelSparklines(t *testing.T) {
	t.Parallel()
	m := seconds(t, 100)
	live := m.hist.stage("price-music").rate.values()
	m = press(m, "{")
	past := m.hist.stage("price-music").rate.values()
	if len(past) == 0 || past[len(past)-1] != 39 || live[len(live)-1] != 99 {
		t.Errorf("past sparkline ends at %v, live at %v", past[len(past)-1], live[len(live)-1])
	}
	if m = press(m, "space"); m.hist != m.live {
		t.Error("resuming did not show the live sparklines")
	}
}

func TestTimelineBounds(t *testing.T) {
	t.Parallel()
	tl := newTimeline(50, 1<<30)
	for i := range 120 {
		tl.add(second(i))
	}
	if tl.len() != 50 || tl.first != 70 {
		t.Fatalf("len %d first %d, want the newest 50", tl.len(), tl.first)
	}
	if s, seq := tl.at(0); seq != 70 || s.Totals.Done != 70 {
		t.Errorf("at(0): seq %d done %d", seq, s.Totals.Done)
	}
	// unchanged lists are shared, and the byte bound counts them once
	a, _ := tl.at(80)
	b, _ := tl.at(81)
	if !sameSlice(a.Events, b.Events) || !sameSlice(a.DeadLetters, b.DeadLetters) {
		t.Error("unchanged events or dead letters are not shared")
	}
	one := costOf(second(0))
	small := newTimeline(1000, one.total()+10*one.base)
	for i := range 100 {
		small.add(second(i))
	}
	if small.len() < 10 || small.len() > 12 || small.bytes > small.limit {
		t.Errorf("byte bound: %d snapshots, %d of %d bytes", small.len(), small.bytes, small.limit)
	}
	if s, _ := small.at(small.first); len(s.Events) == 0 {
		t.Error("the oldest lost its shared events")
	}
}

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
