package actors_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/serviceflow/serviceflow/bench"
)

// BenchmarkPipeline: one op is one input through a 5-stage flow of trivial
// services, on the actor runtime and on the hand-written goroutine-and-channel
// reference, in the same run (see package bench). cpu-ns/op is the
// process's CPU time per input, steadier than ns/op on a shared machine:
//
//	go test ./actors -run '^$' -bench Pipeline -benchmem -count 6
func BenchmarkPipeline(b *testing.B) {
	for _, name := range bench.Cases() {
		b.Run(name, func(b *testing.B) {
			p, err := bench.Open(context.Background(), name)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := bench.CPUTime()
			if err := p.Run(b.N); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(bench.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkLatency: the linear flow's per-input latency under a paced
// source at half the actors' maximum rate (measured first), on the channel
// reference and on the actors, the same source for both (see
// bench.MeasureLatency); one op is one input, and p50/p99 are reported:
//
//	go test ./actors -run '^$' -bench Latency -benchtime 200000x -count 6
func BenchmarkLatency(b *testing.B) {
	top, err := bench.Median(context.Background(), "linear/actors", 200_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range bench.LatencyCases() {
		b.Run(name, func(b *testing.B) {
			l, err := bench.MeasureLatency(context.Background(), name, top.InputsPerSec/2, b.N)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(l.P50.Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(l.P99.Nanoseconds()), "p99-ns")
			b.ReportMetric(l.Rate, "rate/s")
		})
	}
}

// BenchmarkScale: how cost grows with the number of stages, the fork's
// width, the inputs' keys and a CPU-bound stage's concurrency, each on the
// actors and on the channel reference of the same shape (see
// bench.ScaleCases); one op is one input:
//
//	go test ./actors -run '^$' -bench Scale -benchtime 100000x -count 3
func BenchmarkScale(b *testing.B) {
	for _, name := range bench.ScaleCases(runtime.GOMAXPROCS(0)) {
		b.Run(name, func(b *testing.B) {
			p, err := bench.Open(context.Background(), name)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			if err := p.Run(min(b.N, 10_000)); err != nil { // warm up
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := bench.CPUTime()
			if err := p.Run(b.N); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(bench.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
