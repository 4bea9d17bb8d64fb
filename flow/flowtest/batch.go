package flowtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

// batchLife is a batch service with a lifecycle: it counts starts, stops and
// calls, goes Fatal for the whole batch on its first fatalLeft calls, and
// then gives each input the outcome its "do" key asks for.
type batchLife struct {
	starts, stops, calls atomic.Int32
	fatalLeft            atomic.Int32
	panics               bool // the whole-batch failure is a panic, not Fatal
	mu                   sync.Mutex
	seen                 map[int]int // input "id" → calls that included it
}

func (b *batchLife) Name() string                { return "bulk" }
func (b *batchLife) Start(context.Context) error { b.starts.Add(1); return nil }
func (b *batchLife) Stop(context.Context) error  { b.stops.Add(1); return nil }

// Call is CallBatch with a batch of one.
func (b *batchLife) Call(ctx context.Context, c *flow.Context) error {
	err := b.CallBatch(ctx, []*flow.Context{c})
	var be flow.BatchError
	if errors.As(err, &be) && len(be) == 1 {
		return be[0]
	}
	return err
}

func (b *batchLife) CallBatch(_ context.Context, batch []*flow.Context) error {
	b.calls.Add(1)
	b.mu.Lock()
	for _, c := range batch {
		id, _ := flow.Value[int](c, "id")
		b.seen[id]++
	}
	b.mu.Unlock()
	if b.fatalLeft.Add(-1) >= 0 {
		if b.panics {
			panic("driver bug")
		}
		return flow.Fatal(errors.New("connection lost"))
	}
	errs := make(flow.BatchError, len(batch))
	for i, c := range batch {
		do, _ := c.Get("do")
		switch do {
		case "stop":
			errs[i] = flow.Stop("duplicate")
		case "fail":
			errs[i] = errors.New("constraint violated")
		case "retry":
			if c.Attempt() == 1 {
				c.Set("dirty", true) // must be gone on the next attempt
				errs[i] = flow.Retry(errors.New("deadlock"))
				continue
			}
			c.Set("attempt", c.Attempt())
		case "poison":
			errs[i] = flow.Fatal(errors.New("crashes the driver"))
			continue
		}
		n, _ := flow.Value[int](c, "n")
		c.Set("n", n*10)
	}
	return errs
}

func batchInputs(dos ...string) []map[string]any {
	in := make([]map[string]any, len(dos))
	for i, do := range dos {
		in[i] = map[string]any{"id": i, "n": i, "do": do}
	}
	return in
}

func batchCases() []testCase {
	var cases []testCase
	add := func(c testCase) { cases = append(cases, c) }

	add(testCase{
		Name: "batch service writes each input's values",
		Flow: func() *flow.Flow {
			return flow.New(increment{By: 1}, flow.Batch("double", func(_ context.Context, batch []*flow.Context) error {
				for _, c := range batch {
					n, err := flow.Value[int](c, "n")
					if err != nil {
						return err
					}
					c.Set("n", 2*n)
				}
				return nil
			}, flow.MaxBatch(16)), tag("after"))
		},
		Inputs: func() []map[string]any {
			in := make([]map[string]any, 100)
			for i := range in {
				in[i] = map[string]any{"n": i}
			}
			return in
		}(),
		Check: func(t *testing.T, r []flow.Result) {
			for i, res := range r {
				expect(t, res, flow.Done, nil, map[string]any{"n": 2 * (i + 1), "trail": "after"})
			}
		},
	})
	var life *batchLife
	add(testCase{
		Name: "batch per-input outcomes: done, stopped, failed, retried alone, poison",
		Flow: func() *flow.Flow {
			life = &batchLife{seen: map[int]int{}}
			return flow.New(increment{By: 1}, flow.Stage(life, flow.MaxBatch(8)), tag("after")).
				WithPolicy(fastPolicy)
		},
		Inputs: batchInputs("ok", "stop", "fail", "retry", "ok", "poison", "ok"),
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"n": 10, "trail": "after"})
			expect(t, r[1], flow.Stopped, flow.ErrStopped, map[string]any{"trail": nil})
			expect(t, r[2], flow.Failed, nil, map[string]any{"trail": nil})
			if se := stageOf(t, r[2]); se.Stage != "bulk" || se.Err.Error() != "constraint violated" {
				t.Errorf("err = %v (stage %q), want bulk's own error for that input", se, se.Stage)
			}
			// Retried from its original values: n incremented once, no dirty key.
			expect(t, r[3], flow.Done, nil, map[string]any{"n": 40, "attempt": 2, "dirty": nil})
			expect(t, r[4], flow.Done, nil, map[string]any{"n": 50})
			expect(t, r[5], flow.Failed, flow.ErrFatal, nil)
			expect(t, r[6], flow.Done, nil, map[string]any{"n": 70})
			life.mu.Lock()
			defer life.mu.Unlock()
			for id, want := range map[int]int{0: 1, 1: 1, 2: 1, 3: 2, 4: 1, 6: 1} {
				if got := life.seen[id]; got != want {
					t.Errorf("input %d was in %d calls, want %d", id, got, want)
				}
			}
			if got := life.seen[5]; got < 2 || got > 5 {
				t.Errorf("poison input was in %d calls, want a bounded number of redeliveries", got)
			}
		},
	})
	var whole *batchLife
	add(testCase{
		Name: "fatal batch restarts the service once and redelivers its inputs",
		Flow: func() *flow.Flow {
			whole = &batchLife{seen: map[int]int{}}
			whole.fatalLeft.Store(1)
			return flow.New(flow.Stage(whole, flow.MaxBatch(100))).WithPolicy(fastPolicy)
		},
		Inputs: batchInputs("ok", "ok", "ok", "ok"),
		Check: func(t *testing.T, r []flow.Result) {
			for i, res := range r {
				expect(t, res, flow.Done, nil, map[string]any{"n": 10 * i})
			}
			if s, st := whole.starts.Load(), whole.stops.Load(); s != 2 || st != 2 {
				t.Errorf("starts=%d stops=%d, want 2 and 2 (first start, 1 restart, final stop)", s, st)
			}
		},
	})
	add(testCase{
		Name: "a batch call past its Timeout is retried, each input from its original values",
		Flow: func() *flow.Flow {
			return flow.New(increment{By: 1}, flow.Batch("slow", func(ctx context.Context, batch []*flow.Context) error {
				for _, c := range batch {
					if c.Attempt() == 1 {
						<-ctx.Done() // the stage's Timeout
						return ctx.Err()
					}
				}
				for _, c := range batch {
					c.Set("attempt", c.Attempt())
				}
				return nil
			}, flow.MaxBatch(10), flow.Timeout(5*time.Millisecond))).WithPolicy(fastPolicy)
		},
		Inputs: batchInputs("ok", "ok", "ok"),
		Check: func(t *testing.T, r []flow.Result) {
			for i, res := range r {
				expect(t, res, flow.Done, nil, map[string]any{"n": i + 1})
				// At least one retry; more when a retried input shares a
				// batch with one on its first attempt (which times the
				// whole call out again): how batches form depends on when
				// the inputs arrive.
				if a, _ := flow.Value[int](res.Context, "attempt"); a < 2 {
					fail(t, "attempt = %d, want 2 or more (the call past its Timeout retried)", a)
				}
			}
		},
	})
	var panicky *batchLife
	add(testCase{
		Name: "a panicking batch restarts the service and redelivers its inputs",
		Flow: func() *flow.Flow {
			panicky = &batchLife{seen: map[int]int{}, panics: true}
			panicky.fatalLeft.Store(1)
			return flow.New(flow.Stage(panicky, flow.MaxBatch(100))).WithPolicy(fastPolicy)
		},
		Inputs: batchInputs("ok", "ok", "ok"),
		Check: func(t *testing.T, r []flow.Result) {
			for i, res := range r {
				expect(t, res, flow.Done, nil, map[string]any{"n": 10 * i})
			}
			if s := panicky.starts.Load(); s != 2 {
				t.Errorf("starts = %d, want 2 (one restart after the panic)", s)
			}
		},
	})
	add(testCase{
		Name: "one error from a batch applies to each input",
		Flow: func() *flow.Flow {
			return flow.New(flow.Batch("gate", func(context.Context, []*flow.Context) error {
				return flow.Stop("closed")
			}), tag("never"))
		},
		Inputs: batchInputs("ok", "ok", "ok"),
		Check: func(t *testing.T, r []flow.Result) {
			for _, res := range r {
				expect(t, res, flow.Stopped, flow.ErrStopped, map[string]any{"trail": nil})
			}
		},
	})
	add(testCase{
		Name: "typed batch binds each input, fails the unbindable alone",
		Flow: func() *flow.Flow {
			type row struct {
				ID  int    `flow:"id"`
				SKU string `flow:"sku"`
			}
			type key struct {
				Key string `flow:"key"`
			}
			return flow.New(flow.TypedBatch("insert", func(_ context.Context, rows []row) ([]key, error) {
				out := make([]key, len(rows))
				for i, r := range rows {
					out[i] = key{Key: fmt.Sprintf("%s-%d", r.SKU, r.ID)}
				}
				return out, nil
			}, flow.MaxBatch(4)))
		},
		Inputs: []map[string]any{{"id": 1, "sku": "a"}, {"id": 2}, {"id": 3.0, "sku": "c"}, {"id": "x", "sku": "d"}, {"id": 5, "sku": "e"}},
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"key": "a-1"})
			expect(t, r[1], flow.Failed, flow.ErrMissingKey, map[string]any{"key": nil})
			expect(t, r[2], flow.Done, nil, map[string]any{"key": "c-3"})
			expect(t, r[3], flow.Failed, flow.ErrWrongType, map[string]any{"key": nil})
			expect(t, r[4], flow.Done, nil, map[string]any{"key": "e-5"})
		},
	})
	var order *keyOrder
	add(testCase{
		Name: "batches by key keep per-key order with concurrency",
		Flow: func() *flow.Flow {
			order = &keyOrder{seen: map[string][]int{}}
			return flow.New(flow.Batch("ordered", order.call, flow.MaxBatch(7), flow.Concurrency(3), flow.ByKey("key")))
		},
		Inputs: func() []map[string]any {
			in := make([]map[string]any, 300)
			for i := range in {
				in[i] = map[string]any{"key": fmt.Sprint("k", i%5), "seq": i}
			}
			return in
		}(),
		Check: func(t *testing.T, r []flow.Result) {
			for _, res := range r {
				expect(t, res, flow.Done, nil, nil)
			}
			order.mu.Lock()
			defer order.mu.Unlock()
			n := 0
			for k, seqs := range order.seen {
				n += len(seqs)
				for i := 1; i < len(seqs); i++ {
					if seqs[i] < seqs[i-1] {
						t.Fatalf("key %s: seq %d processed after %d", k, seqs[i], seqs[i-1])
					}
				}
			}
			if n != len(r) {
				t.Errorf("processed %d inputs, want %d", n, len(r))
			}
		},
	})
	return cases
}

// keyOrder records the order in which each key's inputs were processed.
type keyOrder struct {
	mu   sync.Mutex
	seen map[string][]int
}

func (o *keyOrder) call(_ context.Context, batch []*flow.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, c := range batch {
		k, _ := flow.Value[string](c, "key")
		seq, _ := flow.Value[int](c, "seq")
		o.seen[k] = append(o.seen[k], seq)
	}
	return nil
}
