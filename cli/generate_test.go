package cli

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestDemoOrderIsDeterministic(t *testing.T) {
	for n := 1; n < 100; n++ {
		if a, b := demoOrder(n), demoOrder(n); !reflect.DeepEqual(a, b) {
			t.Fatalf("order %d differs: %v, %v", n, a, b)
		}
	}
}

// The pacer keeps its rate although every sleep lasts at least a
// millisecond and overshoots: the tokens that accrue meanwhile are kept. A
// simulated clock makes this exact, whatever the machine's load.
func TestPacerKeepsTheRateOverTime(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newPacer(5000)
	p.last = clock
	p.now = func() time.Time { return clock }
	p.sleep = func(_ context.Context, d time.Duration) error {
		clock = clock.Add(d + 3*time.Millisecond) // timers fire late
		return nil
	}
	start := clock
	for range 5000 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 5000 at 5000/s take a second of simulated time, less the first burst.
	if el := clock.Sub(start); el < 900*time.Millisecond || el > 1050*time.Millisecond {
		t.Errorf("5000 waits at 5000/s took %v of simulated time, want about 1s", el)
	}
}

func TestPacerStopsOnCancel(t *testing.T) {
	p := newPacer(0.001)
	p.tokens = 0
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Wait(ctx); err == nil {
		t.Error("Wait returned nil on a cancelled context with no tokens")
	}
}
