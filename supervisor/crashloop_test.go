package supervisor

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when a supervisor backs off (by the
// delay asked for) or the test says so: a crash loop runs in microseconds,
// and the time it would take is exact, not a measurement.
type fakeClock struct{ now time.Time }

func (c *fakeClock) install(s *Supervisor) {
	s.now = func() time.Time { return c.now }
	s.sleep = func(ctx context.Context, d time.Duration) error {
		c.now = c.now.Add(d)
		return ctx.Err()
	}
}

// A service failing every call, in the tree package actors builds (a root
// over a stage over the service) with the default Spec at both levels,
// escalates to the top within two restart windows, and with a bounded
// number of restarts. Before, the backoff (growing to 1 s) let fewer
// restarts into a window than its budget, the root's restart gave the stage
// a fresh budget each time, and the loop never escalated.
func TestCrashLoopEscalatesWithinTwoWindows(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		spec Spec
		call time.Duration // how long each failing call takes
	}{
		"defaults":           {Spec{}, time.Millisecond},
		"defaults/slow call": {Spec{}, 200 * time.Millisecond},
		"all-for-one":        {Spec{Strategy: AllForOne}, time.Millisecond},
		"rest-for-one":       {Spec{Strategy: RestForOne}, time.Millisecond},
		"3 in a minute":      {Spec{MaxRestarts: 3, Within: time.Minute}, time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := tt.spec.WithDefaults()
			clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			svc := newFake(&journal{}, "svc")
			stage := New("stage", spec, svc)
			root := New("flow", spec, stage, newFake(&journal{}, "other"))
			clock.install(stage)
			clock.install(root)
			start, call := clock.now, tt.call
			limit := 10 * spec.Within
			var err error
			for clock.now.Sub(start) < limit {
				clock.now = clock.now.Add(call)
				// What package actors does with a Fatal error.
				if err = stage.Failed(t.Context(), "svc", errors.New("connection refused")); errors.Is(err, ErrEscalated) {
					err = root.Failed(t.Context(), stage.Name(), err)
				}
				if errors.Is(err, ErrEscalated) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			took := clock.now.Sub(start)
			st, rt := stage.Stats(), root.Stats()
			t.Logf("ran %v: %d stage restarts, %d root restarts", took, st.Restarts, rt.Restarts)
			if !errors.Is(err, ErrEscalated) || !rt.Escalated {
				t.Fatalf("no escalation after %v: %d stage restarts, %d root restarts", took, st.Restarts, rt.Restarts)
			}
			if took > 2*spec.Within {
				t.Fatalf("escalated after %v; the bound is two windows (%v)", took, 2*spec.Within)
			}
			// The stage spends its budget once, then escalates on each
			// failure until the root's budget is spent too.
			if st.Restarts != spec.MaxRestarts || rt.Restarts != spec.MaxRestarts {
				t.Fatalf("%d stage and %d root restarts; want %d each", st.Restarts, rt.Restarts, spec.MaxRestarts)
			}
		})
	}
}
