package actors

import (
	"context"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/flow/flowtest"
	"github.com/serviceflow/serviceflow/supervisor"
)

var fastSupervision = supervisor.Spec{MaxRestarts: 1000, Within: time.Second,
	Backoff: backoff.Exponential{Initial: time.Microsecond, Max: time.Millisecond}}

// streamRunner runs inputs through a Runtime and returns the results in
// input order.
func streamRunner(t *testing.T, opts ...Option) flowtest.Runner {
	return func(ctx context.Context, f *flow.Flow, inputs []map[string]any) []flow.Result {
		rt, err := Start(ctx, f, append([]Option{Supervision(fastSupervision)}, opts...)...)
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		ids := make(map[uint64]int, len(inputs))
		go func() {
			for _, in := range inputs {
				if err := rt.Submit(ctx, in); err != nil {
					t.Errorf("Submit: %v", err)
				}
			}
			if err := rt.Drain(ctx); err != nil {
				t.Errorf("Drain: %v", err)
			}
		}()
		var got []flow.Result
		for r := range rt.Results() {
			got = append(got, r)
		}
		// Contexts get increasing IDs in Submit order: sort back into it.
		out := make([]flow.Result, len(got))
		var min uint64 = ^uint64(0)
		for _, r := range got {
			min = minU(min, r.Context.ID())
		}
		for _, r := range got {
			i := int(r.Context.ID() - min)
			if i < 0 || i >= len(out) {
				t.Fatalf("result id %d outside the submitted range", r.Context.ID())
			}
			ids[r.Context.ID()]++
			out[i] = r
		}
		for id, n := range ids {
			if n != 1 {
				t.Errorf("input %d got %d results", id, n)
			}
		}
		return out
	}
}

func minU(a, b uint64) uint64 {
	if a < b {
		return a
	}
	return b
}

// The behaviour suite flow.Run passes, against the actor runtime.
func TestBehaviourSuite(t *testing.T) { flowtest.Run(t, streamRunner(t)) }

// And again with batches of one, so every hop is its own message.
func TestBehaviourSuiteUnbatched(t *testing.T) { flowtest.Run(t, streamRunner(t, BatchSize(1))) }
