package actors_test

import (
	"context"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// BenchmarkBatch: one op is one input through a service whose every call
// costs 1 ms (a round trip to a database, say), at concurrency 4, called once
// per input and in batches of up to 100:
//
//	go test ./actors -run '^$' -bench Batch -benchtime 2s -count 3
func BenchmarkBatch(b *testing.B) {
	const cost, concurrency = time.Millisecond, 4
	for _, tc := range []struct {
		name string
		svc  flow.Service
	}{
		{"unbatched", flow.Func("insert", func(context.Context, *flow.Context) error {
			time.Sleep(cost) // the work: one round trip to a database, not a wait for an event
			return nil
		}, flow.Concurrency(concurrency))},
		{"batched-100", flow.Batch("insert", func(context.Context, []*flow.Context) error {
			time.Sleep(cost) // the work: one round trip for the whole batch
			return nil
		}, flow.MaxBatch(100), flow.Concurrency(concurrency))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			rt, err := actors.Start(ctx, flow.New(tc.svc), actors.MaxInFlight(4*100*concurrency))
			if err != nil {
				b.Fatal(err)
			}
			done := make(chan int)
			go func() {
				n := 0
				for range rt.Results() {
					n++
				}
				done <- n
			}()
			b.ResetTimer()
			for i := range b.N {
				if err := rt.Submit(ctx, map[string]any{"i": i}); err != nil {
					b.Fatal(err)
				}
			}
			if err := rt.Drain(ctx); err != nil {
				b.Fatal(err)
			}
			if n := <-done; n != b.N {
				b.Fatalf("%d results for %d inputs", n, b.N)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inputs/s")
			for _, st := range rt.Snapshot().Stages {
				if st.Name == "insert" && st.Batch != nil {
					b.ReportMetric(st.Batch.MeanSize(), "inputs/call")
				}
			}
		})
	}
}
