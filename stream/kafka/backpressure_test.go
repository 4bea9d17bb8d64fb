package kafka

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
)

// countingSource counts the records handed out.
type countingSource struct {
	*Source
	out atomic.Int64
}

func (c *countingSource) Next(ctx context.Context) (stream.Record, error) {
	rec, err := c.Source.Next(ctx)
	if err == nil {
		c.out.Add(1)
	}
	return rec, err
}

// writtenSink counts results written and tracks the most records ever
// handed out by src without a result.
type writtenSink struct {
	stream.Sink
	src     *countingSource
	written atomic.Int64
	most    atomic.Int64
}

func (w *writtenSink) Write(ctx context.Context, m stream.Message, durable func(error)) error {
	if d := w.src.out.Load() - w.written.Load(); d > w.most.Load() {
		w.most.Store(d)
	}
	w.written.Add(1)
	return w.Sink.Write(ctx, m, durable)
}

// TestSlowFlowBuildsLagNotMemory runs a slow stage under a topic with a
// large backlog: the source hands out records only as the runtime admits
// them, so at most MaxInFlight in flight, MaxInFlight results waiting in
// the runtime's Results buffer and the one being submitted are without a
// written result, and the backlog is not read into memory: it stays in
// Kafka, as lag.
func TestSlowFlowBuildsLagNotMemory(t *testing.T) {
	cfg := cluster(t, 3, "in", "out")
	const backlog, maxInFlight = 20000, 8
	produceB(t, cfg, "in", numbered(0, backlog))
	src := &countingSource{Source: source(t, cfg, "in", "slow")}
	outCfg := cfg
	outCfg.Topic = "out"
	out, err := NewSink(t.Context(), outCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close(t.Context())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w := &writtenSink{Sink: &countingSink{Sink: out, cancel: cancel}, src: src}
	w.Sink.(*countingSink).left.Store(300)
	slow := flow.New(flow.Func("slow", func(context.Context, *flow.Context) error {
		time.Sleep(200 * time.Microsecond) // the work: slower than the source
		return nil
	}))
	rt, err := actors.Start(t.Context(), slow, actors.MaxInFlight(maxInFlight))
	if err != nil {
		t.Fatal(err)
	}
	pump := &stream.Pump{Source: src, Out: w}
	if err := pump.Run(ctx, rt); err != nil {
		t.Fatal(err)
	}
	if most := w.most.Load(); most > 2*maxInFlight+1 {
		t.Errorf("%d records handed out without a result, want at most %d", most, 2*maxInFlight+1)
	}
	if taken := src.out.Load(); taken >= backlog/2 {
		t.Errorf("%d of %d records taken for %d results: the backlog was read into memory", taken, backlog, w.written.Load())
	}
}
