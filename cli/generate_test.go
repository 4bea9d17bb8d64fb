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

func TestPacerKeepsTheRateOverTime(t *testing.T) {
	p := newPacer(5000)
	start := time.Now()
	for range 500 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 500 at 5000/s take about 0.1 s less the first burst; they must not
	// take many times that (sleeps rounded up to a millisecond must not
	// lose the tokens that accrued meanwhile).
	if el := time.Since(start); el > time.Second {
		t.Errorf("500 waits at 5000/s took %v", el)
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
