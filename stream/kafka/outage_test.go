package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/serviceflow/serviceflow/internal/testpoll"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
)

// ackAudit fails the test if a record is acknowledged before its result
// is durable: the sink marks each input durable before its callback
// (which acknowledges) runs.
type ackAudit struct {
	stream.Source
	t       *testing.T
	mu      sync.Mutex
	durable map[int]bool
	want    int
	all     chan struct{} // closed once want inputs are durable
}

func (a *ackAudit) Ack(rec stream.Record) {
	n, _ := flow.Value[int](flow.NewContext(rec.Values), "n")
	a.mu.Lock()
	if !a.durable[n] {
		a.t.Errorf("input %d acknowledged before its result was durable", n)
	}
	a.mu.Unlock()
	a.Source.Ack(rec)
}

type auditedSink struct {
	stream.Sink
	a *ackAudit
}

func (s *auditedSink) Write(ctx context.Context, m stream.Message, durable func(error)) error {
	var v struct{ N int }
	_ = json.Unmarshal(m.Value, &v)
	return s.Sink.Write(ctx, m, func(err error) {
		if err == nil {
			s.a.mu.Lock()
			if !s.a.durable[v.N] {
				s.a.durable[v.N] = true
				if len(s.a.durable) == s.a.want {
					close(s.a.all)
				}
			}
			s.a.mu.Unlock()
		}
		durable(err)
	})
}

// A broker lost mid-run (kfake closes the connection of every request
// while it is down: a dead broker to the client): the source and the sink
// say they are degraded and recover by themselves once it answers, every
// input has its result, no record is acknowledged before its result is
// durable, and the group commits every record.
func TestBrokerLostMidRun(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "in", "out"), kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var down atomic.Bool
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if down.Load() {
			return nil, errors.New("broker down"), true
		}
		return nil, nil, false
	})
	cfg := Config{Brokers: c.ListenAddrs()}
	const n = 2000
	produce(t, cfg, "in", numbered(0, n)...)

	// The flow holds input 500 until the broker is down, so the run is
	// mid-stream then, with inputs in flight and results to produce.
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
	in := cfg
	in.Topic, in.Group, in.SessionTimeout = "in", "g", time.Second
	src, err := NewSource(t.Context(), in, kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	outCfg := cfg
	outCfg.Topic = "out"
	sink, err := NewSink(t.Context(), outCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close(t.Context())
	audit := &ackAudit{Source: src, t: t, durable: map[int]bool{}, want: n, all: make(chan struct{})}
	rt, err := actors.Start(t.Context(), f, actors.MaxInFlight(64))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- (&stream.Pump{Source: audit, Out: &auditedSink{sink, audit}}).Run(ctx, rt) }()

	<-reached
	down.Store(true)
	testpoll.Until(t, "the source reports the lost broker", func() bool { return src.Health() != nil })
	close(resume) // results now are produced while the broker is down
	testpoll.Until(t, "the sink reports the lost broker", func() bool { return sink.Health() != nil })
	if err := src.Health(); !errors.Is(err, stream.ErrBrokerLost) {
		t.Fatalf("Health = %v, want ErrBrokerLost", err)
	}
	down.Store(false)
	testpoll.Until(t, "the source recovers", func() bool { return src.Health() == nil })
	testpoll.Until(t, "the sink recovers", func() bool { return sink.Health() == nil })

	select {
	case <-audit.all:
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

	// Everything was committed: the group's next record is one produced now.
	produce(t, cfg, "in", numbered(n, n+1)...)
	again := source(t, cfg, "in", "g")
	defer again.Close(t.Context())
	rec, err := again.Next(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := flow.Value[int](flow.NewContext(rec.Values), "n"); v != n {
		t.Fatalf("after the run the group resumed at %v, want the new record %d", rec.Values, n)
	}
}
