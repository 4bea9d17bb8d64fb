package actors

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/supervisor"
)

// gatedFlow fails every input while healthy is false; once healthy, each
// call signals entered and waits for release (or the runtime's end).
func gatedFlow(healthy *atomic.Bool, entered chan<- struct{}, release <-chan struct{}) *flow.Flow {
	return flow.New(flow.Func("flaky", func(ctx context.Context, c *flow.Context) error {
		if v, _ := c.Get("boom"); v == true {
			return flow.Fatal(errors.New("boom"))
		}
		if !healthy.Load() {
			return errors.New("down")
		}
		entered <- struct{}{}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}))
}

// deadLetters submits n inputs to a failing flow and reads their n results.
func deadLetters(t *testing.T, rt *Runtime, n int) {
	t.Helper()
	for i := range n {
		if err := rt.Submit(context.Background(), map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
		if r := <-rt.Results(); r.Status != flow.Failed {
			t.Fatalf("status %v, want Failed", r.Status)
		}
	}
}

func waitDraining(rt *Runtime) {
	for !rt.draining.Load() {
		runtime.Gosched()
	}
}

// A Drain right after a Replay waits for the replayed inputs to be admitted:
// none vanishes (before, the background submits failed with ErrDraining and
// their dead letters were already gone).
func TestReplayRacingDrainKeepsEveryInput(t *testing.T) {
	var healthy atomic.Bool
	entered, release := make(chan struct{}, 8), make(chan struct{})
	rt, err := Start(context.Background(), gatedFlow(&healthy, entered, release), MaxInFlight(1))
	if err != nil {
		t.Fatal(err)
	}
	deadLetters(t, rt, 3)
	healthy.Store(true)
	if n, err := rt.Replay(context.Background()); n != 3 || err != nil {
		t.Fatalf("Replay = %d, %v; want 3, nil", n, err)
	}
	<-entered // the first replayed input holds the only slot; the others wait for it
	drained := make(chan error, 1)
	go func() { drained <- rt.Drain(context.Background()) }()
	waitDraining(rt)
	close(release)
	done := 0
	for r := range rt.Results() {
		if r.Status != flow.Done {
			t.Fatalf("replayed input %v: %v", r.Status, r.Err)
		}
		done++
	}
	if err := <-drained; err != nil {
		t.Fatalf("Drain = %v", err)
	}
	s := rt.Snapshot()
	if done != 3 || len(s.DeadLetters) != 0 || s.Totals.Done != 3 {
		t.Fatalf("%d replayed Done, %d dead letters left, totals %+v; want 3, 0", done, len(s.DeadLetters), s.Totals)
	}
}

// When Drain's deadline passes while a Replay still waits to submit, the
// dead letters it has not submitted stay dead letters.
func TestReplayCutByDrainDeadlineKeepsDeadLetters(t *testing.T) {
	var healthy atomic.Bool
	entered, release := make(chan struct{}, 8), make(chan struct{})
	defer close(release)
	rt, err := Start(context.Background(), gatedFlow(&healthy, entered, release), MaxInFlight(1))
	if err != nil {
		t.Fatal(err)
	}
	deadLetters(t, rt, 3)
	healthy.Store(true)
	if n, err := rt.Replay(context.Background()); n != 3 || err != nil {
		t.Fatalf("Replay = %d, %v; want 3, nil", n, err)
	}
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	drained := make(chan error, 1)
	go func() { drained <- rt.Drain(ctx) }()
	waitDraining(rt)
	cancel()
	var res []flow.Result
	for r := range rt.Results() {
		res = append(res, r)
	}
	if err := <-drained; !errors.Is(err, ErrDrainTimeout) {
		t.Fatalf("Drain = %v; want ErrDrainTimeout", err)
	}
	// The replayed input in flight was reported Failed at the deadline (a
	// new dead letter); the two not yet submitted are still dead letters.
	s := rt.Snapshot()
	if len(res) != 1 || res[0].Status != flow.Failed || len(s.DeadLetters) != 3 {
		t.Fatalf("%d results, %d dead letters (%+v); want 1 Failed and 3", len(res), len(s.DeadLetters), s.DeadLetters)
	}
	for _, dl := range s.DeadLetters {
		if dl.Input["n"] == nil {
			t.Fatalf("dead letter %d lost its input: %+v", dl.ID, dl)
		}
	}
}

// After an escalation a Replay says it cannot submit, and the dead letters
// stay.
func TestReplayAfterEscalationKeepsDeadLetters(t *testing.T) {
	var healthy atomic.Bool
	entered, release := make(chan struct{}, 8), make(chan struct{})
	close(release)
	rt, err := Start(context.Background(), gatedFlow(&healthy, entered, release),
		Supervision(supervisor.Spec{MaxRestarts: -1}))
	if err != nil {
		t.Fatal(err)
	}
	deadLetters(t, rt, 2)
	if err := rt.Submit(context.Background(), map[string]any{"boom": true}); err != nil {
		t.Fatal(err)
	}
	if r := <-rt.Results(); r.Status != flow.Failed || rt.Err() == nil {
		t.Fatalf("status %v, flow error %v; want the escalation", r.Status, rt.Err())
	}
	healthy.Store(true)
	n, err := rt.Replay(context.Background())
	if n != 0 || !errors.Is(err, supervisor.ErrEscalated) {
		t.Fatalf("Replay after escalation = %d, %v; want 0 and the escalation", n, err)
	}
	if s := rt.Snapshot(); len(s.DeadLetters) != 3 {
		t.Fatalf("%d dead letters after the refused Replay; want 3", len(s.DeadLetters))
	}
	if err := rt.Drain(context.Background()); !errors.Is(err, supervisor.ErrEscalated) {
		t.Fatalf("Drain = %v", err)
	}
}

// Replay of an ID that is not a dead letter is an error, and replays
// nothing; an ID given twice is replayed once.
func TestReplayUnknownID(t *testing.T) {
	var healthy atomic.Bool
	entered, release := make(chan struct{}, 8), make(chan struct{})
	close(release)
	rt, err := Start(context.Background(), gatedFlow(&healthy, entered, release))
	if err != nil {
		t.Fatal(err)
	}
	deadLetters(t, rt, 1)
	id := rt.Snapshot().DeadLetters[0].ID
	if n, err := rt.Replay(context.Background(), id, id+1000); n != 0 || !errors.Is(err, ErrNoDeadLetter) {
		t.Fatalf("Replay(unknown) = %d, %v; want 0, ErrNoDeadLetter", n, err)
	}
	if s := rt.Snapshot(); len(s.DeadLetters) != 1 {
		t.Fatalf("%d dead letters after a refused Replay; want 1", len(s.DeadLetters))
	}
	healthy.Store(true)
	if n, err := rt.Replay(context.Background(), id, id); n != 1 || err != nil {
		t.Fatalf("Replay(id, id) = %d, %v; want 1", n, err)
	}
	<-entered
	if r := <-rt.Results(); r.Status != flow.Done {
		t.Fatalf("replayed %v", r.Status)
	}
	if n, err := rt.Replay(context.Background(), id); n != 0 || !errors.Is(err, ErrNoDeadLetter) {
		t.Fatalf("second Replay(id) = %d, %v; want ErrNoDeadLetter", n, err)
	}
	if err := rt.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}
