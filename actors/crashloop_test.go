package actors

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/supervisor"
)

// A service failing Fatal on every call, under the default supervision but
// for a 1 s window (so the test takes about a second, not ten), fails the
// flow: the stage spends its budget, then the root spends its own, each
// restart counted. Before, the backoff (up to 1 s per restart) kept the
// loop under the intensity and the flow limped along forever.
// supervisor.TestCrashLoopEscalatesWithinTwoWindows checks the bound itself
// on a fake clock with the real defaults.
func TestCrashLoopEscalatesWithDefaultSupervision(t *testing.T) {
	spec := supervisor.Spec{Within: time.Second}
	broken := flow.Func("broken", func(context.Context, *flow.Context) error {
		return flow.Fatal(errors.New("connection refused"))
	})
	rt, err := Start(context.Background(), flow.New(broken), Supervision(spec))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// A hang guard, not a timing assert: the bound is two windows (2 s).
	ctx, cancel := context.WithTimeout(context.Background(), 30*spec.Within)
	defer cancel()
	submitted, results := 0, make(chan int)
	go func() {
		n := 0
		for range rt.Results() {
			n++
		}
		results <- n
	}()
	for {
		if err = rt.Submit(ctx, map[string]any{"n": submitted}); err != nil {
			break
		}
		submitted++
	}
	if !errors.Is(err, supervisor.ErrEscalated) {
		t.Fatalf("after %v and %d inputs Submit = %v; want the flow failed (escalated)", time.Since(start), submitted, err)
	}
	took := time.Since(start)
	derr := rt.Drain(context.Background())
	if n := <-results; n != submitted || !errors.Is(derr, supervisor.ErrEscalated) {
		t.Fatalf("%d results for %d inputs, Drain = %v", n, submitted, derr)
	}
	// 20 restarts by the stage's supervisor, then 20 by the root (each
	// after the stage escalated again at once), then the root gives up.
	// Exactly 40 on the fake clock (supervisor's test); here, on a loaded
	// machine, restarts may leave the stage's window during the root's
	// turn and let the stage restart a few more times first.
	want := uint64(2 * supervisor.DefaultMaxRestarts)
	s := rt.Snapshot()
	if s.Totals.Restarts < want {
		t.Fatalf("%d restarts; want both budgets spent (%d)", s.Totals.Restarts, want)
	}
	t.Logf("flow failed after %v, %d inputs, %d restarts", took, submitted, s.Totals.Restarts)
}
