package actors

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/supervisor"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A call that ignores its context past its stage's Timeout is abandoned: its
// input is retried (a timeout matches ErrRetry), the instance gets a new
// service, the inputs behind it keep flowing, the stuck call is counted in
// the snapshot and logged once, and Drain returns. This holds for one
// instance, a pool (whose calls run under the instance lock) and a strategy
// whose restarts come from other goroutines, and for a batched stage, whose
// abandoned call is one stuck goroutine for all its inputs. Before, the call
// held its actor until it returned: everything behind it stalled.
func TestCallPastTimeoutIsAbandoned(t *testing.T) {
	for name, tt := range map[string]struct {
		concurrency int
		opts        []Option
		restarts    uint64 // the stuck instance, and with rest-for-one the stage after it
		batch       bool   // a batched stage: the stuck call holds a whole batch
	}{
		"single":       {1, nil, 1, false},
		"pool":         {3, nil, 1, false},
		"rest-for-one": {1, []Option{Supervision(supervisor.Spec{Strategy: supervisor.RestForOne})}, 2, false},
		"batch":        {1, nil, 1, true},
		"batch pool":   {3, nil, 1, true},
	} {
		t.Run(name, func(t *testing.T) {
			release := make(chan struct{})
			var logs syncBuffer
			svc := flow.Func("slow", func(_ context.Context, c *flow.Context) error {
				if n, _ := flow.Value[int](c, "n"); n == 1 && c.Attempt() == 1 {
					<-release // ignores its context
				}
				c.Set("done", true)
				return nil
			})
			opt := []flow.StageOption{flow.Timeout(20 * time.Millisecond), flow.Concurrency(tt.concurrency)}
			stage := flow.Stage(svc, opt...)
			if tt.batch {
				stage = flow.Batch("slow", func(ctx context.Context, batch []*flow.Context) error {
					for _, c := range batch {
						if err := svc.Call(ctx, c); err != nil {
							return err
						}
					}
					return nil
				}, append(opt, flow.MaxBatch(8))...)
			}
			f := flow.New(stage, flow.Func("next", func(context.Context, *flow.Context) error { return nil }))
			opts := append([]Option{Logger(slog.New(slog.NewTextHandler(&logs, nil)))}, tt.opts...)
			rt, err := Start(context.Background(), f, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer close(release)
			const n = 20
			for i := range n {
				if err := rt.Submit(context.Background(), map[string]any{"n": i}); err != nil {
					t.Fatal(err)
				}
			}
			guard := time.After(30 * time.Second) // a hang guard: the Timeout is 20 ms
			for i := range n {
				select {
				case r := <-rt.Results():
					if r.Status != flow.Done {
						t.Fatalf("result %d: %v %v", i, r.Status, r.Err)
					}
					if v, _ := flow.Value[int](r.Context, "n"); v == 1 && r.Context.Attempt() != 2 {
						t.Errorf("stuck input finished on attempt %d; want 2", r.Context.Attempt())
					}
				case <-guard:
					t.Fatalf("%d of %d results: the stuck call holds its actor", i, n)
				}
			}
			s := rt.Snapshot()
			if s.Totals.Stuck != 1 || s.Totals.Restarts != tt.restarts {
				t.Errorf("snapshot: %d stuck calls, %d restarts; want 1 and %d", s.Totals.Stuck, s.Totals.Restarts, tt.restarts)
			}
			if k := strings.Count(logs.String(), `msg="service call abandoned`); k != 1 {
				t.Errorf("the abandoned call was logged %d times; want once:\n%s", k, logs.String())
			}
			if err := rt.Drain(context.Background()); err != nil {
				t.Fatalf("Drain = %v", err)
			}
		})
	}
}
