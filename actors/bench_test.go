package actors_test

import (
	"context"
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
