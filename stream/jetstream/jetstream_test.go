package jetstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/serviceflow/serviceflow/internal/natstest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
)

// natsServer starts an embedded NATS server with JetStream stored in a
// temporary directory, on loopback, with streams IN (in.>) and OUT (out.>).
func natsServer(t testing.TB) (Config, jetstream.JetStream) {
	t.Helper()
	srv := natstest.Start(t)
	return Config{Servers: []string{srv.URL()}}, srv.JetStream(map[string]string{"IN": "in.>", "OUT": "out.>"})
}

func publish(t *testing.T, js jetstream.JetStream, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if _, err := js.Publish(t.Context(), fmt.Sprintf("in.k%d", i%10), fmt.Appendf(nil, `{"n":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
}

// countingSink cancels when n messages are durable.
type countingSink struct {
	stream.Sink
	left   atomic.Int64
	cancel context.CancelFunc
}

func (c *countingSink) Write(ctx context.Context, m stream.Message, durable func(error)) error {
	return c.Sink.Write(ctx, m, func(err error) {
		durable(err)
		if err == nil && c.left.Add(-1) == 0 {
			c.cancel()
		}
	})
}

func pump(t testing.TB, cfg Config, f *flow.Flow, n int) *Source {
	t.Helper()
	in := cfg
	in.Stream, in.Durable = "IN", "d"
	src, err := NewSource(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	out := cfg
	out.Stream, out.Subject = "OUT", "out.results"
	sink, err := NewSink(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close(t.Context())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c := &countingSink{Sink: sink, cancel: cancel}
	c.left.Store(int64(n))
	rt, err := actors.Start(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&stream.Pump{Source: src, Out: c}).Run(ctx, rt); err != nil {
		t.Fatal(err)
	}
	return src
}

var double = flow.New(flow.Func("double", func(_ context.Context, c *flow.Context) error {
	v, err := flow.Value[int](c, "n")
	c.Set("twice", 2*v)
	return err
}))

func TestPumpStreamToStream(t *testing.T) {
	cfg, js := natsServer(t)
	const n = 2000
	publish(t, js, 0, n)
	pump(t, cfg, double, n)

	st, _ := js.Stream(t.Context(), "OUT")
	info, err := st.Info(t.Context())
	if err != nil || info.State.Msgs != n {
		t.Fatalf("OUT holds %d messages (%v), want %d", info.State.Msgs, err, n)
	}
	// Close flushed the acks: the server has them all, but applies them on
	// its own time.
	ci := ackedUpTo(t, js, n)
	if ci.NumAckPending != 0 || ci.AckFloor.Stream != n || ci.NumRedelivered != 0 {
		t.Fatalf("consumer: %d ack pending, ack floor %d, %d redelivered; want 0, %d, 0", ci.NumAckPending, ci.AckFloor.Stream, ci.NumRedelivered, n)
	}
	if ci.Config.AckPolicy != jetstream.AckExplicitPolicy {
		t.Fatalf("created consumer acks %v", ci.Config.AckPolicy)
	}
}

// TestInProgressKeepsSlowInputs holds inputs for longer than the ack wait:
// InProgress keeps the server from redelivering them.
func TestInProgressKeepsSlowInputs(t *testing.T) {
	cfg, js := natsServer(t)
	if _, err := js.CreateConsumer(t.Context(), "IN", jetstream.ConsumerConfig{Durable: "d", AckPolicy: jetstream.AckExplicitPolicy, AckWait: 400 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	publish(t, js, 0, 5)
	slow := flow.New(flow.Func("slow", func(ctx context.Context, c *flow.Context) error {
		select {
		case <-time.After(time.Second): // 2.5 ack waits
		case <-ctx.Done():
		}
		return nil
	}))
	pump(t, cfg, slow, 5)
	ci := ackedUpTo(t, js, 5)
	if ci.NumRedelivered != 0 || ci.AckFloor.Stream != 5 {
		t.Fatalf("%d redelivered, ack floor %d; want 0 and 5", ci.NumRedelivered, ci.AckFloor.Stream)
	}
}

// TestUnackedIsRedelivered closes a source with a message handed out and
// not acked: a new source gets it again, and MaxDeliver caps deliveries.
func TestUnackedIsRedeliveredUpToMaxDeliver(t *testing.T) {
	cfg, js := natsServer(t)
	publish(t, js, 0, 1)
	in := cfg
	in.Stream, in.Durable, in.AckWait, in.MaxDeliver = "IN", "d", 200*time.Millisecond, 2
	for delivery := 1; delivery <= 2; delivery++ {
		src, err := NewSource(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := src.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		meta, _ := rec.Handle.(jetstream.Msg).Metadata()
		if meta.NumDelivered != uint64(delivery) {
			t.Fatalf("delivery %d: server says %d", delivery, meta.NumDelivered)
		}
		src.Close(t.Context())
	}
	cons, _ := js.Consumer(t.Context(), "IN", "d")
	ci, _ := cons.Info(t.Context())
	if ci.Config.MaxDeliver != 2 {
		t.Fatalf("MaxDeliver %d, want 2", ci.Config.MaxDeliver)
	}
	// A third delivery never comes: wait past two ack waits for it.
	src, err := NewSource(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(t.Context())
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if rec, err := src.Next(ctx); err == nil {
		t.Fatalf("delivered a third time: %v", rec.Pos)
	}
}

func TestMalformedAndKey(t *testing.T) {
	cfg, js := natsServer(t)
	js.Publish(t.Context(), "in.a", []byte("nope"))
	js.Publish(t.Context(), "in.b", []byte(`{"x":1}`))
	in := cfg
	in.Stream, in.Durable = "IN", "d"
	src, err := NewSource(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(t.Context())
	bad, _ := src.Next(t.Context())
	good, _ := src.Next(t.Context())
	if bad.Bad == nil || bad.Pos.Offset != 1 || string(bad.Key) != "in.a" {
		t.Fatalf("malformed record: %+v", bad)
	}
	if good.Bad != nil || string(good.Key) != "in.b" || good.Pos.Offset != 2 {
		t.Fatalf("record: %+v", good)
	}
	b, _ := json.Marshal(good.Values)
	if string(b) != `{"x":1}` {
		t.Fatalf("values %s", b)
	}
}

func TestErrors(t *testing.T) {
	if _, err := NewSource(t.Context(), Config{Servers: []string{"nats://127.0.0.1:1"}, Stream: "S", Durable: "d"}); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	cfg, _ := natsServer(t)
	cfg.Stream, cfg.Durable = "MISSING", "d"
	if _, err := NewSource(t.Context(), cfg); !errors.Is(err, ErrNoStream) {
		t.Fatalf("err = %v, want ErrNoStream", err)
	}
}

func TestParseURL(t *testing.T) {
	c, err := ParseURL("nats://a:4222,b:4223/ORDERS?subject=orders.>&durable=w&start=new&ack_wait=5s&max_deliver=3")
	if err != nil || len(c.Servers) != 2 || c.Stream != "ORDERS" || c.Subject != "orders.>" || c.Durable != "w" || !c.New || c.AckWait != 5*time.Second || c.MaxDeliver != 3 {
		t.Fatalf("%+v, %v", c, err)
	}
	for _, bad := range []string{"nats://a:1/", "nats://u:p@a:1/S", "nats://a:1/S?start=x", "nats://a:1/S?max_deliver=0", "kafka://a:1/S"} {
		if _, err := ParseURL(bad); !errors.Is(err, ErrURL) {
			t.Errorf("ParseURL(%q) = %v, want ErrURL", bad, err)
		}
	}
}

// ackedUpTo waits (at most 30 s) until consumer IN/d has applied the acks
// up to stream sequence seq, and returns its info then.
func ackedUpTo(t *testing.T, js jetstream.JetStream, seq uint64) *jetstream.ConsumerInfo {
	t.Helper()
	cons, err := js.Consumer(t.Context(), "IN", "d")
	if err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	limit := time.After(30 * time.Second)
	for {
		ci, err := cons.Info(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if ci.AckFloor.Stream >= seq && ci.NumAckPending == 0 {
			return ci
		}
		select {
		case <-tick.C:
		case <-limit:
			return ci
		}
	}
}
