package actors

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

// An open tap does not read the context of a call abandoned past its
// Timeout: the call's goroutine may still be writing it (before, -race saw
// the tap's preview read racing the stuck service's writes).
func TestTapSkipsTheValuesOfAnAbandonedCall(t *testing.T) {
	var stop atomic.Bool
	spinning := make(chan struct{})
	returned := make(chan struct{})
	svc := flow.Func("stuck", func(_ context.Context, c *flow.Context) error {
		if c.Attempt() > 1 {
			return nil
		}
		defer close(returned)
		close(spinning)
		for i := 0; !stop.Load(); i++ { // ignores its context, writing all along
			c.Set("i", i)
		}
		return nil
	})
	rt, err := Start(context.Background(), flow.New(flow.Stage(svc, flow.Timeout(10*time.Millisecond))))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		stop.Store(true)
		<-returned
		_ = rt.Drain(context.Background())
	}()
	if _, err := rt.Tap(context.Background(), "stuck", 0); err != nil {
		t.Fatal(err)
	}
	if err := rt.Submit(context.Background(), map[string]any{"n": 1}); err != nil {
		t.Fatal(err)
	}
	<-spinning
	if r := <-rt.Results(); r.Status != flow.Done || r.Context.Attempt() != 2 {
		t.Fatalf("status %v after %d attempts (%v); want Done on the retry", r.Status, r.Context.Attempt(), r.Err)
	}
	got, err := rt.Tap(context.Background(), "stuck", 0)
	if err != nil || len(got) == 0 {
		t.Fatalf("tap = %v, %v; want samples", got, err)
	}
	if first := got[0]; first.Attempt != 1 || first.Err == "" || !first.Abandoned || len(first.After) != 0 {
		t.Fatalf("sample of the abandoned call: %+v; want attempt 1, its error, no values after", first)
	}
}
