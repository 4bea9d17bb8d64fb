package actors

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/supervisor"
)

// A service failing Fatal on every call fails the flow once the stage's
// supervisor, then the root, spent its default restart budget: exactly
// 2·DefaultMaxRestarts restarts, each counted, then Submit and Drain say
// the flow escalated. The window is an hour and the backoff a microsecond
// so that no restart leaves the window however slow the machine (with a
// 1 s window, restarts on a loaded machine left it during the root's turn,
// and the stage restarted again: 48). That the default backoff and window
// escalate a crash loop within two windows is checked on a fake clock by
// supervisor.TestCrashLoopEscalatesWithinTwoWindows.
func TestCrashLoopSpendsTheStageThenTheRootBudget(t *testing.T) {
	spec := supervisor.Spec{Within: time.Hour, Backoff: backoff.Exponential{Initial: time.Microsecond, Max: time.Microsecond}}
	broken := flow.Func("broken", func(context.Context, *flow.Context) error {
		return flow.Fatal(errors.New("connection refused"))
	})
	rt, err := Start(context.Background(), flow.New(broken), Supervision(spec))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// A hang guard, not a timing assert: 40 restarts take milliseconds.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
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
	want := uint64(2 * supervisor.DefaultMaxRestarts)
	if s := rt.Snapshot(); s.Totals.Restarts != want {
		t.Fatalf("%d restarts; want %d", s.Totals.Restarts, want)
	}
	t.Logf("flow failed after %v, %d inputs", took, submitted)
}
