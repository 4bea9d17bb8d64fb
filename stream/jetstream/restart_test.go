package jetstream

import (
	"context"
	"encoding/json"
	"github.com/serviceflow/serviceflow/internal/natstest"
	"github.com/serviceflow/serviceflow/internal/testpoll"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
)

// ackAudit checks that no record is acknowledged before its result is
// durable: the sink marks each input durable before its callback (which
// acknowledges) runs, and the source's Ack looks for the mark.
type ackAudit struct {
	stream.Source
	t       *testing.T
	mu      sync.Mutex
	durable map[int]bool
	acked   map[int]int
}

func (a *ackAudit) Ack(rec stream.Record) {
	n, _ := flow.Value[int](flow.NewContext(rec.Values), "n")
	a.mu.Lock()
	if !a.durable[n] {
		a.t.Errorf("input %d acknowledged before its result was durable", n)
	}
	a.acked[n]++
	a.mu.Unlock()
	a.Source.Ack(rec)
}

type auditedSink struct {
	stream.Sink
	a      *ackAudit
	left   chan struct{} // closed once want inputs are durable
	want   int
	closed bool
}

func (s *auditedSink) Write(ctx context.Context, m stream.Message, durable func(error)) error {
	var v struct{ N int }
	_ = jsonUnmarshal(m.Value, &v)
	return s.Sink.Write(ctx, m, func(err error) {
		if err == nil {
			s.a.mu.Lock()
			s.a.durable[v.N] = true
			if len(s.a.durable) == s.want && !s.closed {
				s.closed = true
				close(s.left)
			}
			s.a.mu.Unlock()
		}
		durable(err)
	})
}

// A JetStream server restarted mid-run (shut down, then started again on
// the same port and store): the source and the sink say they are degraded
// meanwhile and recover by themselves, results written while it was down
// are published once it is back, every input has its result, and no record
// is acknowledged before its result is durable.
func TestServerRestartedMidRun(t *testing.T) {
	r := natstest.Start(t)
	url := r.URL()
	js := r.JetStream(map[string]string{"IN": "in.>", "OUT": "out.>"}, nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond))
	const n = 2000
	publish(t, js, 0, n)

	// The flow holds input 500 until the server is down, so the run is
	// mid-stream then, with inputs in flight and results to publish.
	reached, resume := make(chan struct{}), make(chan struct{})
	f := flow.New(flow.Func("hold", func(ctx context.Context, c *flow.Context) error {
		if v, _ := flow.Value[int](c, "n"); v == 500 {
			select {
			case <-reached:
			default:
				close(reached)
				<-resume
			}
		}
		return nil
	}))

	cfg := Config{Servers: []string{url}, Stream: "IN", Durable: "d", AckWait: 5 * time.Second}
	src, err := NewSource(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sink, err := NewSink(t.Context(), Config{Servers: []string{url}, Stream: "OUT", Subject: "out.results"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close(t.Context())
	audit := &ackAudit{Source: src, t: t, durable: map[int]bool{}, acked: map[int]int{}}
	out := &auditedSink{Sink: sink, a: audit, left: make(chan struct{}), want: n}

	rt, err := actors.Start(t.Context(), f, actors.MaxInFlight(64))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- (&stream.Pump{Source: audit, Out: out}).Run(ctx, rt) }()

	<-reached
	r.Stop()
	testpoll.Until(t, "the source reports the lost server", func() bool { return src.Health() != nil })
	close(resume) // results now are written while the server is down
	testpoll.Until(t, "the sink reports the lost server", func() bool { return sink.Health() != nil })
	r.Restart()
	testpoll.Until(t, "the source recovers", func() bool { return src.Health() == nil })
	testpoll.Until(t, "the sink recovers", func() bool { return sink.Health() == nil })

	select {
	case <-out.left:
	case err := <-ran:
		t.Fatalf("the pump ended before every input was durable: %v", err)
	case <-time.After(2 * time.Minute):
		audit.mu.Lock()
		t.Fatalf("only %d of %d inputs durable", len(audit.durable), n)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if k, d := src.Outages(); k < 1 || d <= 0 {
		t.Errorf("source outages = %d (%v), want at least one", k, d)
	}
	info, err := js.Consumer(t.Context(), "IN", "d")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := info.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	dups := 0
	for _, k := range audit.acked {
		dups += k - 1
	}
	t.Logf("%d inputs; ack floor %d, %d pending; %d acked twice; source lost %v", n, ci.AckFloor.Stream, ci.NumAckPending, dups, src.Health())
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
