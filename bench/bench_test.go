package bench

import (
	"context"
	"testing"
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
	l, err := MeasureLatency(context.Background(), 20_000, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if l.P50 <= 0 || l.P99 < l.P50 || l.Max < l.P99 {
		t.Fatalf("latency %+v", l)
	}
}
