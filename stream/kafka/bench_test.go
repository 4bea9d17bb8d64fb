package kafka

import (
	"context"
	"testing"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
)

// BenchmarkPumpKafkaToKafka measures broker → flow → broker on an
// in-process kfake cluster: b.N records consumed in a group, through one
// trivial service, produced with all-ISR acks, each acknowledged (and
// committed) only once its result is durable. The producing of the input
// is not timed.
//
//	go test ./stream/kafka -run '^$' -bench Pump -benchtime 100000x -count 5
func BenchmarkPumpKafkaToKafka(b *testing.B) {
	cfg := benchCluster(b)
	n := b.N
	produceB(b, cfg, "in", numbered(0, n))
	outCfg := cfg
	outCfg.Topic = "out"
	f := flow.New(flow.Func("inc", func(_ context.Context, c *flow.Context) error {
		v, err := flow.Value[int](c, "n")
		c.Set("n", v+1)
		return err
	}))
	b.ResetTimer()
	cfg.Topic, cfg.Group = "in", "bench"
	src, err := NewSource(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	out, err := NewSink(b.Context(), outCfg)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close(b.Context())
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	c := &countingSink{Sink: out, cancel: cancel}
	c.left.Store(int64(n))
	rt, err := actors.Start(b.Context(), f)
	if err != nil {
		b.Fatal(err)
	}
	if err := (&stream.Pump{Source: src, Out: c}).Run(ctx, rt); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "inputs/s")
}
