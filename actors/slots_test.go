package actors

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

// An actor gives back the slots of the inputs it reported at the end of its
// message. When a later call of the same message ignores its context, that
// end never comes before Drain's deadline: Drain still returns, counting
// those slots (their results are out) as released.
func TestDrainCountsSlotsOfReportedInputsInAStuckMessage(t *testing.T) {
	gate := make(chan struct{})  // holds input 0, so that 1 and 2 queue up as one message
	entered := make(chan int, 3) // inputs whose call started
	stuck := make(chan struct{}) // input 2 waits on it, ignoring its context
	svc := flow.Func("s", func(_ context.Context, c *flow.Context) error {
		n, _ := c.Get("n")
		entered <- n.(int)
		switch n {
		case 0:
			<-gate
		case 2:
			<-stuck
		}
		return nil
	})
	rt, err := Start(context.Background(), flow.New(svc), MaxInFlight(4))
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Submit(context.Background(), map[string]any{"n": 0}); err != nil {
		t.Fatal(err)
	}
	<-entered // input 0 runs alone; 1 and 2 wait in the intake for the next message
	for i := 1; i <= 2; i++ {
		if err := rt.Submit(context.Background(), map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	close(gate)
	for range 2 { // 0 and 1 are done; 2 is stuck in the message that reported 1
		if r := <-rt.Results(); r.Status != flow.Done {
			t.Fatalf("result %v %v", r.Status, r.Err)
		}
	}
	if n := <-entered; n != 1 {
		t.Fatalf("input %d entered, want 1", n)
	}
	if n := <-entered; n != 2 {
		t.Fatalf("input %d entered, want 2", n)
	}
	results := make(chan flow.Result, 1)
	go func() {
		for r := range rt.Results() {
			results <- r
		}
		close(results)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	drained := make(chan error, 1)
	go func() { drained <- rt.Drain(ctx) }()
	select {
	case err := <-drained:
		if !errors.Is(err, ErrDrainTimeout) {
			t.Errorf("Drain = %v, want ErrDrainTimeout", err)
		}
	case <-time.After(30 * time.Second): // a hang guard
		close(stuck)
		t.Fatal("Drain waits for the slot of an input it reported")
	}
	r, ok := <-results
	if !ok || r.Status != flow.Failed || !errors.Is(r.Err, ErrDrainTimeout) {
		t.Fatalf("the stuck input's result: %v %v %v", ok, r.Status, r.Err)
	}
	if _, more := <-results; more {
		t.Fatal("a result after the stuck input's")
	}
	close(stuck) // the stuck call returns; the runtime then stops what it left
	<-rt.shut
}
