package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBaseIsExponentialAndCapped(t *testing.T) {
	e := Exponential{Initial: 10 * time.Millisecond, Max: time.Second, Multiplier: 2}
	tests := []struct {
		n    int
		want time.Duration
	}{
		{0, 10 * time.Millisecond},
		{1, 10 * time.Millisecond},
		{2, 20 * time.Millisecond},
		{3, 40 * time.Millisecond},
		{7, 640 * time.Millisecond},
		{8, time.Second},
		{1000, time.Second},
	}
	for _, tt := range tests {
		if got := e.Base(tt.n); got != tt.want {
			t.Errorf("Base(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

func TestZeroValueUsesDefaults(t *testing.T) {
	var e Exponential
	if got := e.Base(1); got != DefaultInitial {
		t.Fatalf("Base(1) = %v, want %v", got, DefaultInitial)
	}
	if got := e.Base(100); got != DefaultMax {
		t.Fatalf("Base(100) = %v, want %v", got, DefaultMax)
	}
}

func TestDelayJitterStaysInBounds(t *testing.T) {
	e := Exponential{Initial: 100 * time.Millisecond, Max: 10 * time.Second, Jitter: 0.5}
	seen := map[time.Duration]bool{}
	for i := 0; i < 1000; i++ {
		d := e.Delay(2) // base 200ms, spread ±100ms
		if d < 100*time.Millisecond || d > 300*time.Millisecond {
			t.Fatalf("Delay(2) = %v, outside [100ms, 300ms]", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Fatalf("jitter produced only %d distinct delays", len(seen))
	}
	if d := e.Delay(50); d > e.Max {
		t.Fatalf("Delay above Max: %v", d)
	}
	noJitter := Exponential{Initial: time.Millisecond, Jitter: -1}
	if d := noJitter.Delay(3); d != 4*time.Millisecond {
		t.Fatalf("negative jitter should disable it: got %v", d)
	}
}

func TestSleepStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on cancelled ctx = %v, want context.Canceled", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("Sleep = %v", err)
	}
}
