package actors

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

// tapFlow is double → price (sets total, deletes tmp, asks for one retry of
// input 3) → sink; price's tap samples every call.
func tapFlow(t *testing.T) *Runtime {
	t.Helper()
	price := flow.Func("price", func(_ context.Context, c *flow.Context) error {
		q, _ := flow.Value[int](c, "qty")
		if q == 3 && c.Attempt() == 1 {
			return flow.Retry(errors.New("busy"))
		}
		c.Set("total", q*2)
		c.Delete("tmp")
		return nil
	})
	rt, err := Start(context.Background(), flow.New(flow.Func("double", func(context.Context, *flow.Context) error { return nil }), price))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Drain(context.Background()) })
	return rt
}

func run(t *testing.T, rt *Runtime, n int) {
	t.Helper()
	go func() {
		for i := range n {
			if err := rt.Submit(context.Background(), map[string]any{"qty": i, "tmp": "x"}); err != nil {
				return
			}
		}
	}()
	for range n {
		<-rt.Results()
	}
}

func TestTapSamplesACall(t *testing.T) {
	rt := tapFlow(t)
	if _, err := rt.Tap(context.Background(), "price", 0); err != nil {
		t.Fatal(err)
	}
	tp := rt.taps.tapOf(1)
	tp.every = 0 // every call, for the test
	run(t, rt, 5)
	got, err := rt.Tap(context.Background(), "price", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 { // five inputs, one retried
		t.Fatalf("%d samples, want 6: %+v", len(got), got)
	}
	var retried, ok int
	for _, s := range got {
		if s.Stage != "price" || s.Input == 0 || s.Took < 0 || s.Time.IsZero() {
			t.Errorf("sample %+v", s)
		}
		switch {
		case s.Err != "":
			retried++
			if s.Attempt != 1 || s.Before["qty"] != "3" {
				t.Errorf("the retried call: %+v", s)
			}
		default:
			ok++
			if ch := s.Changed(); len(ch) != 2 || ch[0] != "tmp" || ch[1] != "total" || s.Before["tmp"] != `"x"` {
				t.Errorf("changed %v in %+v", ch, s)
			}
		}
	}
	if retried != 1 || ok != 5 {
		t.Errorf("%d retried and %d ok samples", retried, ok)
	}
	if later, _ := rt.Tap(context.Background(), "price", got[len(got)-1].Seq); len(later) != 0 {
		t.Errorf("since the last: %d samples", len(later))
	}
}

// At most TapRate samples a second, at most TapKeep kept.
func TestTapIsBounded(t *testing.T) {
	rt := tapFlow(t)
	if _, err := rt.Tap(context.Background(), "price", 0); err != nil {
		t.Fatal(err)
	}
	tp := rt.taps.tapOf(1)
	tp.every = math.MaxInt64 / 2 // the first call only
	tp.last.Store(-math.MaxInt64 / 2)
	run(t, rt, 50)
	if got, _ := rt.Tap(context.Background(), "price", 0); len(got) != 1 {
		t.Errorf("%d samples at a rate of one per aeon", len(got))
	}
	tp.every = 0
	run(t, rt, snapshot.TapKeep+30)
	got, _ := rt.Tap(context.Background(), "price", 0)
	if len(got) != snapshot.TapKeep || got[len(got)-1].Seq < snapshot.TapKeep+30 {
		t.Errorf("kept %d samples, the newest #%d", len(got), got[len(got)-1].Seq)
	}
}

// A tap nobody asks for closes by itself at its lease's end.
func TestTapLeaseEnds(t *testing.T) {
	rt := tapFlow(t)
	if _, err := rt.Tap(context.Background(), "price", 0); err != nil {
		t.Fatal(err)
	}
	rt.taps.tapOf(1).lease.Store(0)
	run(t, rt, 1)
	if rt.taps.set.Load() != nil {
		t.Error("an expired tap is still open")
	}
}

func TestTapRefusesWhatIsNotAService(t *testing.T) {
	rt := tapFlow(t)
	for _, stage := range []string{"nope", "results"} {
		if _, err := rt.Tap(context.Background(), stage, 0); !errors.Is(err, snapshot.ErrNoStage) {
			t.Errorf("Tap(%q) = %v, want ErrNoStage", stage, err)
		}
	}
	if rt.taps.set.Load() != nil {
		t.Error("a refused tap opened something")
	}
}

// BenchmarkTapHook is what a call pays for taps when none is open: the
// hook's look-up, against a call's whole cost (BenchmarkTap, ~µs).
func BenchmarkTapHook(b *testing.B) {
	var ts taps
	var hits int
	for b.Loop() {
		if t := ts.tapOf(1); t != nil {
			hits++
		}
	}
	if hits != 0 {
		b.Fatal("a tap appeared")
	}
}

// A batched stage's tap samples one input of a batch.
func TestTapSamplesABatchedStage(t *testing.T) {
	sum := flow.Batch("sum", func(_ context.Context, batch []*flow.Context) error {
		for _, c := range batch {
			c.Set("seen", true)
		}
		return nil
	}, flow.MaxBatch(8))
	rt, err := Start(context.Background(), flow.New(sum))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Drain(context.Background()) })
	if _, err := rt.Tap(context.Background(), "sum", 0); err != nil {
		t.Fatal(err)
	}
	rt.taps.tapOf(0).every = 0
	run(t, rt, 20)
	got, _ := rt.Tap(context.Background(), "sum", 0)
	if len(got) == 0 || got[0].After["seen"] != "true" || got[0].Before["qty"] == "" {
		t.Errorf("samples of a batched stage: %+v", got)
	}
}
