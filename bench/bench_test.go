package bench

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every pipeline moves every input through all five stages.
func TestPipelinesComplete(t *testing.T) {
	for _, name := range Cases() {
		t.Run(name, func(t *testing.T) {
			r, err := Measure(context.Background(), name, 5000)
			if err != nil {
				t.Fatal(err)
			}
			if r.Inputs != 5000 || r.InputsPerSec <= 0 {
				t.Fatalf("result %+v", r)
			}
		})
	}
	if _, err := Open(context.Background(), "nope"); err == nil {
		t.Fatal("unknown case accepted")
	}
}

func TestLatencyMeasures(t *testing.T) {
	for _, name := range LatencyCases() {
		t.Run(name, func(t *testing.T) {
			l, err := MeasureLatency(context.Background(), name, 20_000, 2000)
			if err != nil {
				t.Fatal(err)
			}
			if l.Name != name || l.Inputs != 2000 || l.P50 <= 0 || l.P90 < l.P50 || l.P99 < l.P90 || l.P999 < l.P99 || l.Max < l.P999 || l.Achieved <= 0 {
				t.Fatalf("latency %+v", l)
			}
		})
	}
	if _, err := MeasureLatency(context.Background(), "fork/actors", 1000, 10); err == nil {
		t.Fatal("a case without a latency measurement accepted")
	}
}

// Every scaling case moves every input through, and names its reference.
func TestScaleCasesComplete(t *testing.T) {
	for _, name := range ScaleCases(2) {
		t.Run(name, func(t *testing.T) {
			r, err := Measure(context.Background(), name, 3000)
			if err != nil {
				t.Fatal(err)
			}
			if r.Inputs != 3000 || r.InputsPerSec <= 0 {
				t.Fatalf("result %+v", r)
			}
			if ref := Reference(name); !strings.HasSuffix(ref, "/channels") || !slices.Contains(ScaleCases(2), ref) {
				t.Fatalf("reference %q", ref)
			}
		})
	}
	for _, bad := range []string{"stages0/actors", "fork/x", "keysx/actors", "cpu2/rust"} {
		if _, err := Open(context.Background(), bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A latency measurement cut short by its context returns the context's
// error, after its source has stopped.
func TestLatencyCancelled(t *testing.T) {
	for _, name := range LatencyCases() {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			// 10 inputs a second: the deadline passes long before the last.
			if _, err := MeasureLatency(ctx, name, 10, 100); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want the deadline", err)
			}
		})
	}
}
