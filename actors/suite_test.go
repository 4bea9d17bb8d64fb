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
// input order, matched to their inputs by context ID.
func streamRunner(opts ...Option) flowtest.Runner {
	return func(t *testing.T, ctx context.Context, f *flow.Flow, inputs []map[string]any) []flow.Result {
		rt, err := Start(ctx, f, append([]Option{Supervision(fastSupervision)}, opts...)...)
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		index := make(map[uint64]int, len(inputs)) // context ID → input
		contexts := make([]*flow.Context, len(inputs))
		for i, in := range inputs {
			contexts[i] = flow.NewContext(in)
			index[contexts[i].ID()] = i
		}
		submitted := make(chan struct{})
		go func() {
			defer close(submitted)
			for _, c := range contexts {
				if err := rt.SubmitContext(ctx, c); err != nil {
					t.Errorf("Submit: %v", err)
				}
			}
			if err := rt.Drain(ctx); err != nil {
				t.Errorf("Drain: %v", err)
			}
		}()
		out := make([]flow.Result, len(inputs))
		seen := make([]int, len(inputs))
		for r := range rt.Results() {
			i, ok := index[r.Context.ID()]
			if !ok {
				t.Errorf("result for an input never submitted: %v", r.Context)
				continue
			}
			seen[i]++
			out[i] = r
		}
		<-submitted
		for i, n := range seen {
			if n != 1 {
				t.Errorf("input %d got %d results, want 1", i, n)
			}
		}
		return out
	}
}

// The behaviour suite flow.Run passes, against the actor runtime.
func TestBehaviourSuite(t *testing.T) { flowtest.Run(t, streamRunner()) }

// And again with batches of one, so every hop is its own message.
func TestBehaviourSuiteUnbatched(t *testing.T) { flowtest.Run(t, streamRunner(BatchSize(1))) }
