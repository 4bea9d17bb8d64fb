package actors

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

// Every input gets exactly one result with the right status through a
// batched stage with seeded per-input Stop, failure, Retry (once and
// always), Fatal (once and poison) and whole-batch panics, with concurrency
// and ByKey.
func TestBatchAccountingUnderChaos(t *testing.T) {
	n := 100_000
	if raceEnabled {
		n = 20_000
	}
	rng := rand.New(rand.NewPCG(13, 1))
	fault := make([]byte, n)
	for i := range fault {
		switch x := rng.IntN(10_000); {
		case x < 100:
			fault[i] = 'S' // stop
		case x < 200:
			fault[i] = 'X' // fail
		case x < 300:
			fault[i] = 'R' // retry once
		case x < 320:
			fault[i] = 'A' // retry always: exhausted
		case x < 325:
			fault[i] = 'F' // fatal once
		case x < 327:
			fault[i] = 'P' // poison: fatal always
		case x < 329:
			fault[i] = 'B' // the whole batch panics, once
		}
	}
	var once sync.Map // inputs whose one-time fault fired
	var panics atomic.Int64
	var calls, inputs atomic.Int64
	chaos := flow.Batch("chaos", func(_ context.Context, batch []*flow.Context) error {
		calls.Add(1)
		inputs.Add(int64(len(batch)))
		for _, c := range batch {
			i, _ := flow.Value[int](c, "i")
			if fault[i] == 'B' {
				if _, done := once.LoadOrStore(i, true); !done {
					panics.Add(1)
					panic("driver bug")
				}
			}
		}
		errs := make(flow.BatchError, len(batch))
		for k, c := range batch {
			i, _ := flow.Value[int](c, "i")
			switch fault[i] {
			case 'S':
				errs[k] = flow.Stop("skip")
			case 'X':
				errs[k] = errors.New("rejected")
			case 'R':
				if c.Attempt() == 1 {
					c.Set("dirty", true)
					errs[k] = flow.Retry(errors.New("deadlock"))
				}
			case 'A':
				errs[k] = flow.Retry(errors.New("always"))
			case 'F':
				if _, done := once.LoadOrStore(i, true); !done {
					errs[k] = flow.Fatal(errors.New("connection lost"))
				}
			case 'P':
				errs[k] = flow.Fatal(errors.New("poison"))
			}
			if errs[k] == nil {
				c.Set("stored", true)
			}
		}
		return errs
	}, flow.MaxBatch(64), flow.MaxWait(time.Millisecond), flow.Concurrency(2), flow.ByKey("key"))
	bump := flow.Func("bump", func(_ context.Context, c *flow.Context) error {
		v, _ := flow.Value[int](c, "v")
		c.Set("v", v+1)
		return nil
	})
	f := flow.New(bump, chaos).
		WithPolicy(flow.Policy{
			MaxAttempts: 3, Backoff: backoff.Exponential{Initial: time.Microsecond, Max: 100 * time.Microsecond},
			MaxRedeliveries: 3, RestartBackoff: backoff.Exponential{Initial: time.Microsecond, Max: 100 * time.Microsecond},
		})
	rt, err := Start(context.Background(), f, Supervision(fastSupervision), MaxInFlight(512))
	if err != nil {
		t.Fatal(err)
	}
	res, submitted, err := collect(t, rt, func(yield func(map[string]any) bool) {
		for i := range n {
			if !yield(map[string]any{"i": i, "v": i, "key": i % 7}) {
				return
			}
		}
	})
	if err != nil || submitted != n {
		t.Fatalf("Drain: %v; submitted %d of %d", err, submitted, n)
	}
	if len(res) != n {
		t.Fatalf("%d results for %d inputs", len(res), n)
	}
	seen := make([]bool, n)
	bad := 0
	for _, r := range res {
		i, _ := flow.Value[int](r.Context, "i")
		if seen[i] {
			t.Fatalf("input %d got two results", i)
		}
		seen[i] = true
		want := flow.Done
		switch fault[i] {
		case 'S':
			want = flow.Stopped
		case 'X', 'A', 'P':
			want = flow.Failed
		}
		ok := r.Status == want
		if want == flow.Done {
			v, _ := flow.Value[int](r.Context, "v")
			_, stored := r.Context.Get("stored")
			_, dirty := r.Context.Get("dirty")
			ok = ok && v == i+1 && stored && !dirty
		}
		if !ok && bad < 5 {
			t.Errorf("input %d (fault %q): status %v, err %v, values %v; want %v", i, fault[i], r.Status, r.Err, r.Context, want)
		}
		if !ok {
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%d inputs with the wrong outcome", bad)
	}
	for _, pool := range rt.instances {
		for _, in := range pool {
			if h := in.stats.holding.Load(); h != 0 {
				t.Errorf("%s: %d inputs still counted as held after Drain", in.name, h)
			}
			if in.batch != nil && (len(in.batch.pending) != 0 || in.batch.stage.held.Load() != 0) {
				t.Errorf("%s: %d pending, %d held after Drain", in.name, len(in.batch.pending), in.batch.stage.held.Load())
			}
		}
	}
	mean := float64(inputs.Load()) / float64(calls.Load())
	t.Logf("%d inputs, %d calls, %.1f inputs per call, %d whole-batch panics", n, calls.Load(), mean, panics.Load())
}

// A lone input is not held for MaxWait: nothing else in flight could join
// its batch, so it is sent at once (the wait here is an hour).
func TestBatchLoneInputIsNotHeld(t *testing.T) {
	var sizes []int
	var mu sync.Mutex
	f := flow.New(flow.Batch("bulk", func(_ context.Context, batch []*flow.Context) error {
		mu.Lock()
		sizes = append(sizes, len(batch))
		mu.Unlock()
		return nil
	}, flow.MaxBatch(1000), flow.MaxWait(time.Hour)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rt, err := Start(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Drain(ctx)
	for round := range 3 {
		if err := rt.Submit(ctx, map[string]any{"round": round}); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-rt.Results():
			if r.Status != flow.Done {
				t.Fatalf("round %d: %v %v", round, r.Status, r.Err)
			}
		case <-ctx.Done():
			t.Fatalf("round %d: the lone input was held (no result before the test's deadline)", round)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) != 3 {
		t.Errorf("batch sizes %v, want three batches of one", sizes)
	}
	b := stageNamed(t, rt.Snapshot(), "bulk").Batch
	if b == nil || b.Batches != 3 || b.Inputs != 3 || b.Idle != 3 || b.MaxSize != 1000 || b.MaxWait != time.Hour {
		t.Errorf("snapshot batching %+v, want 3 idle batches of one", b)
	}
}

// Inputs released in a burst fill batches of MaxBatch; the rest is sent
// once nothing else is in flight (idle), not after MaxWait (an hour).
func TestBatchFillsThenSendsTheRestWhenIdle(t *testing.T) {
	release := make(chan struct{})
	var first sync.Once
	gate := flow.Func("gate", func(ctx context.Context, c *flow.Context) error {
		first.Do(func() { <-release })
		return nil
	})
	var mu sync.Mutex
	var sizes []int
	f := flow.New(gate, flow.Batch("bulk", func(_ context.Context, batch []*flow.Context) error {
		mu.Lock()
		sizes = append(sizes, len(batch))
		mu.Unlock()
		return nil
	}, flow.MaxBatch(100), flow.MaxWait(time.Hour)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rt, err := Start(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	const n = 251
	for i := range n {
		if err := rt.Submit(ctx, map[string]any{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	for i := range n {
		select {
		case r := <-rt.Results():
			if r.Status != flow.Done {
				t.Fatalf("result %d: %v %v", i, r.Status, r.Err)
			}
		case <-ctx.Done():
			t.Fatalf("%d of %d results: the last partial batch was held", i, n)
		}
	}
	if err := rt.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	b := stageNamed(t, rt.Snapshot(), "bulk").Batch
	mu.Lock()
	defer mu.Unlock()
	if b == nil || b.Inputs != n || b.Full < 2 || b.Idle < 1 || b.Wait != 0 || b.P99Size != 100 {
		t.Errorf("batching %+v (sizes %v), want at least 2 full batches, the rest idle, p99 100", b, sizes)
	}
}

func stageNamed(t *testing.T, s Snapshot, name string) snapshot.Stage {
	t.Helper()
	for _, st := range s.Stages {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no stage %q in the snapshot", name)
	return snapshot.Stage{}
}

// An input waiting for its batch to fill while another input is still on
// its way is sent when MaxWait expires, without waiting for the other.
func TestBatchWaitBoundsTheHold(t *testing.T) {
	release := make(chan struct{})
	held := make(chan struct{})
	slow := flow.Func("slow", func(ctx context.Context, c *flow.Context) error {
		close(held)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	f := flow.New(
		flow.Fork("path", flow.Branches{"slow": flow.New(slow), "fast": flow.New(Tagger("fast"))}),
		flow.Batch("bulk", func(context.Context, []*flow.Context) error { return nil }, flow.MaxBatch(1000), flow.MaxWait(20*time.Millisecond)),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rt, err := Start(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Submit(ctx, map[string]any{"path": "slow"}); err != nil {
		t.Fatal(err)
	}
	<-held
	if err := rt.Submit(ctx, map[string]any{"path": "fast"}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-rt.Results():
		if p, _ := r.Context.Get("path"); p != "fast" || r.Status != flow.Done {
			t.Fatalf("first result %v %v (%v), want the fast input done", p, r.Status, r.Err)
		}
	case <-ctx.Done():
		t.Fatal("the fast input was held until the slow one arrived (or longer): MaxWait did not bound its wait")
	}
	if b := stageNamed(t, rt.Snapshot(), "bulk").Batch; b == nil || b.Wait != 1 || b.Inputs != 1 {
		t.Errorf("batching %+v, want one batch sent when the wait expired", b)
	}
	close(release)
	go func() {
		for range rt.Results() {
		}
	}()
	if err := rt.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// Tagger is a trivial service that sets its name to true.
type Tagger string

// Call implements flow.Service.
func (s Tagger) Call(_ context.Context, c *flow.Context) error { c.Set(string(s), true); return nil }

// Name is the stage name (see flow.NameOf).
func (s Tagger) Name() string { return string(s) }
