package supervisor

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNestedSupervisorEscalatesToParent(t *testing.T) {
	t.Parallel()
	j := &journal{}
	x := newFake(j, "x")
	sub := New("sub", Spec{MaxRestarts: 1, Within: time.Hour}, x)
	parent := New("root", Spec{}, sub, newFake(j, "other"))
	for _, s := range []*Supervisor{sub, parent} {
		s.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}

	if err := sub.Failed(t.Context(), "x", errors.New("boom")); err != nil {
		t.Fatalf("first failure: %v", err)
	}
	err := sub.Failed(t.Context(), "x", errors.New("boom again"))
	if !errors.Is(err, ErrEscalated) {
		t.Fatalf("second failure = %v, want escalation", err)
	}
	// The runtime passes the escalation up.
	if err := parent.Failed(t.Context(), sub.Name(), err); err != nil {
		t.Fatalf("parent.Failed: %v", err)
	}
	want := []string{"stop x", "start x", "stop x", "start x"}
	if got := j.get(); !slices.Equal(got, want) {
		t.Errorf("calls = %v\nwant    %v", got, want)
	}
	// The parent's restart clears the escalation but counts in sub's window,
	// which stays full: a child that keeps failing escalates again at once,
	// so the loop climbs the tree instead of getting a fresh budget each time.
	if st := sub.Stats(); st.Escalated || st.Used != 1 {
		t.Errorf("restarted sub: %+v, want not escalated with its window still full", st)
	}
	err = sub.Failed(t.Context(), "x", errors.New("boom"))
	if !errors.Is(err, ErrEscalated) {
		t.Fatalf("failure right after the parent restart = %v, want escalation again", err)
	}
	if st := parent.Stats(); st.Restarts != 1 || st.Children[0].Restarts != 1 {
		t.Errorf("parent: %+v", st)
	}
}

// A supervisor restarted by its parent gets its budget back as its restarts
// leave the window.
func TestRestartedSupervisorBudgetRefillsWithTime(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	sub := New("sub", Spec{MaxRestarts: 1, Within: time.Minute}, newFake(&journal{}, "x"))
	clock.install(sub)
	if err := sub.Failed(t.Context(), "x", errors.New("boom")); err != nil {
		t.Fatal(err)
	}
	if err := sub.Failed(t.Context(), "x", errors.New("boom")); !errors.Is(err, ErrEscalated) {
		t.Fatalf("second failure = %v, want escalation", err)
	}
	if err := sub.Start(t.Context()); err != nil { // the parent's restart
		t.Fatal(err)
	}
	clock.now = clock.now.Add(time.Minute)
	if err := sub.Failed(t.Context(), "x", errors.New("boom")); err != nil {
		t.Fatalf("failure a window later = %v, want a restart", err)
	}
}

func TestSupervisorStartRollsBack(t *testing.T) {
	t.Parallel()
	j := &journal{}
	a, b, c := newFake(j, "a"), newFake(j, "b"), newFake(j, "c")
	b.startFails.Store(1)
	s := New("sub", Spec{}, a, b, c)
	err := s.Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), `start child "b"`) {
		t.Fatalf("Start = %v, want an error naming b", err)
	}
	want := []string{"start a", "start b", "stop a"}
	if got := j.get(); !slices.Equal(got, want) {
		t.Errorf("calls = %v\nwant    %v", got, want)
	}
}

func TestSupervisorStopJoinsErrors(t *testing.T) {
	t.Parallel()
	j := &journal{}
	a, b := newFake(j, "a"), newFake(j, "b")
	errA, errB := errors.New("a stuck"), errors.New("b stuck")
	a.stopErr, b.stopErr = errA, errB
	s := New("sub", Spec{}, a, b)
	err := s.Stop(t.Context())
	if !errors.Is(err, errA) || !errors.Is(err, errB) {
		t.Fatalf("Stop = %v, want both errors", err)
	}
	if got, want := j.get(), []string{"stop b", "stop a"}; !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}
