package flowtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

// panicky is a decorator that panics in Before or After for the input whose
// "n" is 1.
type panicky struct{ before bool }

func (p panicky) Name() string { return "panicky" }

func (p panicky) Before(_ context.Context, c *flow.Context) error {
	if n, _ := flow.Value[int](c, "n"); p.before && n == 1 {
		panic("before exploded")
	}
	return nil
}

func (p panicky) After(_ context.Context, c *flow.Context, err error) error {
	if n, _ := flow.Value[int](c, "n"); !p.before && n == 1 {
		panic("after exploded")
	}
	return err
}

// ignoresCtx is a service that, on its first attempt at the input whose
// "n" is 1, ignores its context and blocks until release is closed.
type ignoresCtx struct{ release chan struct{} }

func (s ignoresCtx) Name() string { return "slow" }

func (s ignoresCtx) Call(_ context.Context, c *flow.Context) error {
	if n, _ := flow.Value[int](c, "n"); n == 1 && c.Attempt() == 1 {
		<-s.release
	}
	c.Set("done", true)
	return nil
}

// edgeCases are the promises users reach at the edges: user code that
// panics anywhere, and calls that ignore their Timeout.
func edgeCases() []testCase {
	var cases []testCase
	inputs := []map[string]any{{"n": 0}, {"n": 1}, {"n": 2}}
	for _, before := range []bool{true, false} {
		name := "a panicking After fails its input, not its neighbours"
		if before {
			name = "a panicking Before fails its input, not its neighbours"
		}
		cases = append(cases, testCase{
			Name:   name,
			Flow:   func() *flow.Flow { return flow.New(flow.Around(panicky{before: before}), tag("svc")) },
			Inputs: inputs,
			Check: func(t *testing.T, r []flow.Result) {
				expect(t, r[0], flow.Done, nil, map[string]any{"trail": "svc"})
				expect(t, r[1], flow.Failed, flow.ErrFatal, nil)
				var pe *flow.PanicError
				if !errors.As(r[1].Err, &pe) {
					fail(t, "err = %v, want a *flow.PanicError", r[1].Err)
				}
				expect(t, r[2], flow.Done, nil, map[string]any{"trail": "svc"})
			},
		})
	}
	// The stuck call is abandoned at its Timeout and the input retried (a
	// timeout matches ErrRetry); the call returns only when Check releases
	// it, after every result is in.
	release := make(chan struct{})
	cases = append(cases, testCase{
		Name: "a call that ignores its Timeout is abandoned and retried",
		Flow: func() *flow.Flow {
			release = make(chan struct{})
			return flow.New(flow.Stage(ignoresCtx{release: release}, flow.Timeout(20*time.Millisecond))).WithPolicy(fastPolicy)
		},
		Inputs: inputs,
		Check: func(t *testing.T, r []flow.Result) {
			defer close(release)
			expect(t, r[0], flow.Done, nil, map[string]any{"done": true})
			expect(t, r[1], flow.Done, nil, map[string]any{"done": true})
			if r[1].Context.Attempt() != 2 {
				fail(t, "stuck input finished on attempt %d, want 2", r[1].Context.Attempt())
			}
			expect(t, r[2], flow.Done, nil, map[string]any{"done": true})
		},
	})
	// The same for a batch: the stuck batch call is abandoned and every
	// input in it gets the timeout, each retried from its values before
	// the call, each with exactly one result (the suite checks that).
	batchRelease := make(chan struct{})
	cases = append(cases, testCase{
		Name: "a batch call that ignores its Timeout is abandoned and its inputs retried",
		Flow: func() *flow.Flow {
			batchRelease = make(chan struct{})
			release := batchRelease
			return flow.New(flow.Batch("slow", func(_ context.Context, batch []*flow.Context) error {
				for _, c := range batch {
					if n, _ := flow.Value[int](c, "n"); n == 1 && c.Attempt() == 1 {
						<-release // ignores its context
					}
				}
				for _, c := range batch {
					c.Set("done", c.Attempt())
				}
				return nil
			}, flow.MaxBatch(8), flow.Timeout(20*time.Millisecond))).WithPolicy(fastPolicy)
		},
		Inputs: inputs,
		Check: func(t *testing.T, r []flow.Result) {
			defer close(batchRelease)
			for i, res := range r {
				a := res.Context.Attempt()
				expect(t, res, flow.Done, nil, map[string]any{"done": a})
				if i == 1 && a != 2 {
					fail(t, "stuck input finished on attempt %d, want 2", a)
				}
			}
		},
	})
	return cases
}
