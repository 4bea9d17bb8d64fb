package actors

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/supervisor"
)

// stuckService ignores its context: Call blocks until release is closed.
type stuckService struct {
	entered chan struct{}
	release chan struct{}
	stops   atomic.Int64
}

func newStuck() *stuckService {
	return &stuckService{entered: make(chan struct{}, 64), release: make(chan struct{})}
}

func (s *stuckService) Call(context.Context, *flow.Context) error {
	s.entered <- struct{}{}
	<-s.release
	return nil
}

func (s *stuckService) Stop(context.Context) error { s.stops.Add(1); return nil }

// A service call that ignores its context does not hold Drain past its
// deadline, whether the stage is one instance, a pool (its calls under the
// instance lock, which Drain used to wait for forever) or under a strategy
// whose restarts come from other goroutines. Before, Drain overshot by a
// hard-coded 5 s, or deadlocked.
func TestDrainReturnsByDeadlineWithStuckCall(t *testing.T) {
	for name, opts := range map[string][]Option{
		"single":      nil,
		"pool":        {StageSupervision("stuck", supervisor.Spec{})},
		"all-for-one": {Supervision(supervisor.Spec{Strategy: supervisor.AllForOne})},
	} {
		t.Run(name, func(t *testing.T) {
			svc := newStuck()
			concurrency := 1
			if name == "pool" {
				concurrency = 2
			}
			f := flow.New(flow.Stage(svc, flow.Name("stuck"), flow.Concurrency(concurrency)))
			rt, err := Start(context.Background(), f, opts...)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 4 {
				if err := rt.Submit(context.Background(), map[string]any{"n": i}); err != nil {
					t.Fatal(err)
				}
			}
			for range concurrency {
				<-svc.entered
			}
			results := make(chan int)
			go func() {
				n := 0
				for r := range rt.Results() {
					if r.Status != flow.Failed || !errors.Is(r.Err, ErrDrainTimeout) {
						t.Errorf("result %v %v; want Failed at the deadline", r.Status, r.Err)
					}
					n++
				}
				results <- n
			}()
			const deadline = 100 * time.Millisecond
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			drained := make(chan error, 1)
			go func() { drained <- rt.Drain(ctx) }()
			select {
			case err = <-drained:
			case <-time.After(30 * time.Second): // a hang guard
				close(svc.release)
				t.Fatal("Drain deadlocked on a stuck call")
			}
			took := time.Since(start)
			// Generous: Drain used to take deadline + 5 s here.
			if took > deadline+2*time.Second {
				t.Errorf("Drain took %v with a %v deadline", took, deadline)
			}
			if !errors.Is(err, ErrDrainTimeout) {
				t.Errorf("Drain = %v; want ErrDrainTimeout", err)
			}
			if n := <-results; n != 4 {
				t.Errorf("%d results; want 4", n)
			}
			// The stuck calls end; the runtime then stops what it left.
			close(svc.release)
			<-rt.shut
			if got := svc.stops.Load(); got != int64(concurrency) {
				t.Errorf("%d services stopped; want %d", got, concurrency)
			}
		})
	}
}

// panicky is a service whose Start or Stop panics.
type panicky struct{ start, stop bool }

func (p *panicky) Call(context.Context, *flow.Context) error { return nil }
func (p *panicky) Start(context.Context) error {
	if p.start {
		panic("start exploded")
	}
	return nil
}
func (p *panicky) Stop(context.Context) error {
	if p.stop {
		panic("stop exploded")
	}
	return nil
}

// A Stop that panics does not crash Drain; Results is still closed.
func TestDrainSurvivesPanickingStop(t *testing.T) {
	rt, err := Start(context.Background(), flow.New(flow.Stage(&panicky{stop: true}, flow.Name("p"))))
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Submit(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if r := <-rt.Results(); r.Status != flow.Done {
		t.Fatalf("status %v", r.Status)
	}
	if err := rt.Drain(context.Background()); err != nil {
		t.Fatalf("Drain = %v", err)
	}
	if _, open := <-rt.Results(); open {
		t.Fatal("Results still open")
	}
}

// A Start or a flow.Build factory that panics makes Start return an error
// (matching flow.ErrFatal, like any panic), not crash the caller.
func TestStartSurvivesPanics(t *testing.T) {
	for name, step := range map[string]flow.Service{
		"Start": flow.Stage(&panicky{start: true}, flow.Name("p")),
		"Build": flow.Build("b", func() (flow.Service, error) { panic("factory exploded") }),
	} {
		t.Run(name, func(t *testing.T) {
			rt, err := Start(context.Background(), flow.New(step))
			var pe *flow.PanicError
			if rt != nil || !errors.As(err, &pe) || !errors.Is(err, flow.ErrFatal) {
				t.Fatalf("Start = %v, %v; want a *flow.PanicError", rt, err)
			}
		})
	}
}
