package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
)

// cluster starts an in-process Kafka with the given topics (partitions each).
func cluster(t testing.TB, partitions int32, topics ...string) Config {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return Config{Brokers: c.ListenAddrs()}
}

func benchCluster(b *testing.B) Config { return cluster(b, 3, "in", "out") }

// produceB produces recs in batches.
func produceB(t testing.TB, cfg Config, topic string, recs []*kgo.Record) {
	for len(recs) > 0 {
		k := min(len(recs), 10_000)
		produce(t, cfg, topic, recs[:k]...)
		recs = recs[k:]
	}
}

func produce(t testing.TB, cfg Config, topic string, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cfg.Brokers...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

func numbered(from, to int) []*kgo.Record {
	var recs []*kgo.Record
	for i := from; i < to; i++ {
		k := fmt.Sprintf("k%d", i%10)
		recs = append(recs, &kgo.Record{Key: []byte(k), Value: fmt.Appendf(nil, `{"n":%d,"key":%q}`, i, k)})
	}
	return recs
}

func source(t *testing.T, cfg Config, topic, group string) *Source {
	t.Helper()
	cfg.Topic, cfg.Group = topic, group
	s, err := NewSource(t.Context(), cfg, kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return s
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

func TestPumpKafkaToKafka(t *testing.T) {
	cfg := cluster(t, 3, "in", "out")
	const n = 3000
	produce(t, cfg, "in", numbered(0, n)...)

	src := source(t, cfg, "in", "g")
	outCfg := cfg
	outCfg.Topic = "out"
	out, err := NewSink(t.Context(), outCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close(t.Context())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	counting := &countingSink{Sink: out, cancel: cancel}
	counting.left.Store(n)
	double := flow.New(flow.Func("double", func(_ context.Context, c *flow.Context) error {
		v, err := flow.Value[int](c, "n")
		c.Set("twice", 2*v)
		return err
	}))
	rt, err := actors.Start(t.Context(), double)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&Pump{Source: src, Out: counting}).Run(ctx, rt); err != nil {
		t.Fatal(err)
	}

	// Every result is in "out", keyed like its input, in input order per key.
	got := consumeAll(t, outCfg, n)
	last := map[string]int{}
	for _, r := range got {
		var v struct {
			N, Twice int
			Key      string
		}
		if err := json.Unmarshal(r.Value, &v); err != nil {
			t.Fatal(err)
		}
		if v.Twice != 2*v.N || string(r.Key) != v.Key {
			t.Fatalf("result %s with key %q", r.Value, r.Key)
		}
		if prev, ok := last[v.Key]; ok && v.N < prev {
			t.Fatalf("key %s: %d after %d", v.Key, v.N, prev)
		}
		last[v.Key] = v.N
	}

	// Everything was committed: the group's next record is one produced now.
	produce(t, cfg, "in", numbered(n, n+1)...)
	again := source(t, cfg, "in", "g")
	defer again.Close(t.Context())
	rec, err := again.Next(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Values["n"] != json.Number(fmt.Sprint(n)) && fmt.Sprint(rec.Values["n"]) != fmt.Sprint(n) {
		t.Fatalf("after a drain the group resumed at %v, want the new record %d", rec.Values, n)
	}
}

// Pump is stream.Pump; aliased so the test reads like a user's program.
type Pump = stream.Pump

func consumeAll(t *testing.T, cfg Config, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cfg.Brokers...), kgo.ConsumeTopics(cfg.Topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var recs []*kgo.Record
	for len(recs) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("only %d of %d records in %s", len(recs), n, cfg.Topic)
		}
		recs = append(recs, fs.Records()...)
	}
	return recs
}

// TestCommitNeverSkipsUnfinished acks records around an unfinished one:
// the group resumes at the unfinished record.
func TestCommitNeverSkipsUnfinished(t *testing.T) {
	cfg := cluster(t, 1, "one")
	produce(t, cfg, "one", numbered(0, 10)...)
	s := source(t, cfg, "one", "g")
	var recs []stream.Record
	for len(recs) < 10 {
		rec, err := s.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	for _, i := range []int{0, 1, 2, 4, 5, 9} {
		s.Ack(recs[i])
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	again := source(t, cfg, "one", "g")
	defer again.Close(t.Context())
	rec, err := again.Next(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Pos.Offset != 3 {
		t.Fatalf("resumed at offset %d, want 3 (the first unfinished)", rec.Pos.Offset)
	}
}

// TestRevokedPartitionIsNeverCommitted: once a partition is lost, acks of
// its records in flight are dropped and it is not in any commit.
func TestRevokedPartitionIsNeverCommitted(t *testing.T) {
	cfg := cluster(t, 1, "one")
	produce(t, cfg, "one", numbered(0, 3)...)
	s := source(t, cfg, "one", "g")
	defer s.Close(t.Context())
	rec, err := s.Next(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s.lost(t.Context(), s.cl, map[string][]int32{"one": {0}})
	s.Ack(rec)
	if _, ok := s.offs.Next(0); ok {
		t.Fatal("a lost partition still has a commit point")
	}
	// A record handed out before a re-assignment is not acked into the new one.
	s.assigned(t.Context(), s.cl, map[string][]int32{"one": {0}})
	s.Ack(rec)
	if _, ok := s.offs.Next(0); ok {
		t.Fatal("an ack from an earlier assignment reached the new one")
	}
}

func TestMalformedRecord(t *testing.T) {
	cfg := cluster(t, 1, "one")
	produce(t, cfg, "one", &kgo.Record{Value: []byte("not json")}, &kgo.Record{Value: []byte(`[1]`)})
	s := source(t, cfg, "one", "g")
	defer s.Close(t.Context())
	for i := range 2 {
		rec, err := s.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if rec.Bad == nil || rec.Pos.Offset != int64(i) {
			t.Fatalf("record %d: %+v, want malformed", i, rec)
		}
	}
}

func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err := NewSource(ctx, Config{Brokers: []string{"127.0.0.1:1"}, Topic: "t", Group: "g"})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	_, err = NewSink(ctx, Config{Brokers: []string{"127.0.0.1:1"}, Topic: "t"})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}

func TestParseURL(t *testing.T) {
	c, err := ParseURL("kafka://a:9092,b:9093/orders?group=g&start=latest")
	if err != nil || len(c.Brokers) != 2 || c.Topic != "orders" || c.Group != "g" || !c.Latest {
		t.Fatalf("%+v, %v", c, err)
	}
	for _, bad := range []string{"kafka:///t", "kafka://a:1/", "kafka://u:p@a:1/t", "kafka://a:1/t?start=middle", "http://a/t"} {
		if _, err := ParseURL(bad); !errors.Is(err, ErrURL) {
			t.Errorf("ParseURL(%q) = %v, want ErrURL", bad, err)
		}
	}
}

func TestPartitionsShowLag(t *testing.T) {
	cfg := cluster(t, 1, "one")
	produce(t, cfg, "one", numbered(0, 10)...)
	s := source(t, cfg, "one", "g")
	defer s.Close(t.Context())
	var recs []stream.Record
	for range 4 {
		rec, err := s.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	s.Ack(recs[0])
	s.Ack(recs[1])
	ps := s.Partitions()
	if len(ps) != 1 {
		t.Fatalf("partitions %+v, want one", ps)
	}
	if p := ps[0]; p.ID != 0 || p.Next != 2 || p.High != 10 || p.Lag != 8 || p.InFlight != 2 {
		t.Fatalf("partition %+v, want next 2, high 10, lag 8, 2 in flight", p)
	}
}
