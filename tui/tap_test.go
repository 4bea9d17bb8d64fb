package tui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// tapSource is a fake source with a tap that hands out canned samples.
type tapSource struct {
	*fakeSource
	mu     sync.Mutex
	asked  []string
	sample []snapshot.Sample
}

func (s *tapSource) Tap(_ context.Context, stage string, since uint64) ([]snapshot.Sample, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, stage)
	var out []snapshot.Sample
	for _, x := range s.sample {
		if x.Seq > since {
			out = append(out, x)
		}
	}
	return out, nil
}

func tapSamples() []snapshot.Sample {
	return []snapshot.Sample{
		{Seq: 1, Time: t0, Stage: "validate", Input: 4711, Attempt: 1, Took: 2 * time.Millisecond,
			Before: map[string]string{"price": "12", "kind": `"book"`}, After: map[string]string{"price": "12", "kind": `"book"`, "valid": "true"}},
		{Seq: 2, Time: t0.Add(time.Second), Stage: "validate", Input: 4712, Attempt: 3, Took: 9 * time.Millisecond,
			Before: map[string]string{"price": "\x1b[2J13", "tmp": "1"}, After: map[string]string{"price": "14.5"}, Err: "retry: upstream timeout"},
		{Seq: 3, Time: t0.Add(2 * time.Second), Stage: "validate", Input: 4713, Attempt: 1, Took: time.Millisecond,
			Before: map[string]string{"price": "9"}, After: map[string]string{"price": "9"}},
	}
}

func TestTapPane(t *testing.T) {
	t.Parallel()
	src := &tapSource{fakeSource: &fakeSource{snap: fixture()}, sample: tapSamples()}
	m := fixtureModel(fixture(), 120, 40)
	m.src = src
	m, cmd := pressCmd(t, press(m, "2", "j"), "t")
	if _, ok := m.overlay.(tapPane); !ok || cmd == nil {
		t.Fatalf("t on validate opened %T", m.overlay)
	}
	m = drive(m, cmd)
	out := m.render()
	for _, want := range []string{"tap validate", "3 samples", "#4712  attempt 3  took 9.0ms", "retry: upstream timeout", "no key changed: price=9",
		"price", "13 → 14.5", "tmp", "1 → (deleted)", "valid", "(unset) → true"} {
		if !strings.Contains(out, want) {
			t.Errorf("the tap pane lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("a raw escape from a value reached the screen")
	}
	if strings.Index(out, "#4712") > strings.Index(out, "#4711") {
		t.Error("the newest sample is not first")
	}
	// each refresh polls the tap for what is new, and nothing is shown twice
	nm, cmd := m.Update(tickMsg(time.Now()))
	m = drive(nm.(model), cmd)
	if n := strings.Count(m.render(), "#4711"); n != 1 {
		t.Errorf("sample #4711 shown %d times", n)
	}
	if len(src.asked) < 2 {
		t.Errorf("the tap was polled %d times", len(src.asked))
	}
	if m = press(m, "esc"); m.overlay != nil {
		t.Error("esc did not close the tap")
	}
}

func TestTapRefusals(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 120, 40) // fakeSource cannot tap
	m, cmd := pressCmd(t, press(m, "2", "j"), "t")
	m = drive(m, cmd)
	if out := m.render(); !strings.Contains(out, "cannot tap") {
		t.Errorf("a source without taps:\n%s", out)
	}
	m = press(m, "esc", "1", "j", "j") // route, a fork
	m, cmd = pressCmd(t, m, "t")
	m = drive(m, cmd)
	if m.overlay != nil || !strings.Contains(m.render(), "only a service stage can be tapped") {
		t.Errorf("tapping a fork:\n%s", m.render())
	}
}
