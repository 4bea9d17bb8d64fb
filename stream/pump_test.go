package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/jsonl"
)

// faulty fails every input whose n is divisible by 7, stops those divisible
// by 5, and asks to retry those divisible by 3 on their first attempt.
var faulty = flow.New(flow.Func("work", func(ctx context.Context, c *flow.Context) error {
	n, err := flow.Value[int](c, "n")
	if err != nil {
		return err
	}
	switch {
	case n%7 == 0:
		return errors.New("seven")
	case n%5 == 0:
		return flow.Stop("five")
	case n%3 == 0 && c.Attempt() == 1:
		return flow.Retry(errors.New("three"))
	}
	c.Set("out", n*2)
	return nil
}))

func records(n int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{Pos: Position{Partition: int32(i % 3), Offset: int64(i)}, Key: fmt.Appendf(nil, "k%d", i%10), Values: map[string]any{"n": i}}
	}
	return recs
}

func TestPumpAcksOnlyDurableResults(t *testing.T) {
	const n = 2000
	out, dead := &memSink{}, &memSink{}
	src := &memSource{recs: records(n)}
	src.recs[17] = Record{Pos: Position{Offset: 17}, Bad: &jsonl.LineError{Err: jsonl.ErrNotObject}}
	// Every ack must come after its writes are durable: by then the result
	// (and, for failures, the dead letter) is among the sinks' durable
	// messages. The sinks make messages durable only at Flush, so acks
	// before then would show up here as missing writes.
	src.check = func(rec Record) {
		if rec.Bad != nil {
			return
		}
		i := int(rec.Pos.Offset)
		if !out.has(i) {
			t.Errorf("record %d acked before its result was durable", i)
		}
		if i%7 == 0 && !dead.has(i) {
			t.Errorf("failed record %d acked before its dead letter was durable", i)
		}
	}
	rt, err := actors.Start(t.Context(), faulty, actors.MaxInFlight(64))
	if err != nil {
		t.Fatal(err)
	}
	var malformed int
	p := &Pump{Source: src, Out: out, Dead: dead, Malformed: func(Record) { malformed++ }}
	if err := p.Run(t.Context(), rt); err != nil {
		t.Fatal(err)
	}
	if malformed != 1 {
		t.Errorf("malformed %d, want 1", malformed)
	}
	if !src.closed {
		t.Error("source not closed")
	}
	if len(src.acked) != n {
		t.Fatalf("%d records acked, want %d", len(src.acked), n)
	}
	for pos, k := range src.acked {
		if k != 1 {
			t.Errorf("record %v acked %d times", pos, k)
		}
	}
	if got := len(out.messages()); got != n-1 {
		t.Errorf("%d results, want %d", got, n-1)
	}
	wantDead := 0
	for i := 0; i < n; i += 7 {
		if i != 17 {
			wantDead++
		}
	}
	if got := len(dead.messages()); got != wantDead {
		t.Errorf("%d dead letters, want %d", got, wantDead)
	}
	for _, m := range out.messages() {
		var v map[string]any
		if err := json.Unmarshal(m.Value, &v); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("k%v", int(v["n"].(float64))%10); string(m.Key) != want {
			t.Fatalf("result key %q, want %q", m.Key, want)
		}
	}
}

func TestPumpLostWriteIsNotAcked(t *testing.T) {
	out := &memSink{eager: true, fail: func(m Message) error {
		var v map[string]any
		_ = json.Unmarshal(m.Value, &v)
		if v["n"] == float64(4) {
			return errors.New("disk full")
		}
		return nil
	}}
	src := &memSource{recs: records(10)}
	rt, err := actors.Start(t.Context(), flow.New(flow.Func("id", func(context.Context, *flow.Context) error { return nil })))
	if err != nil {
		t.Fatal(err)
	}
	err = (&Pump{Source: src, Out: out}).Run(t.Context(), rt)
	if err == nil {
		t.Fatal("no error for a lost write")
	}
	if src.acked[Position{Partition: 1, Offset: 4}] != 0 {
		t.Error("record whose result was lost was acknowledged")
	}
	if len(src.acked) != 9 {
		t.Errorf("%d acked, want 9", len(src.acked))
	}
}

// TestPumpRefusedWriteReportsOnce refuses the results of some failed
// inputs at Write: the sink reports the error to the write's callback
// itself, so the pump must not report it again (a callback from
// Deliveries.After is recycled after its last report: a second one would
// count against another record, acknowledging it before its dead letter is
// durable).
func TestPumpRefusedWriteReportsOnce(t *testing.T) {
	const n = 2000
	out := &memSink{eager: true, refuse: func(m Message) error {
		var v map[string]any
		_ = json.Unmarshal(m.Value, &v)
		if int(v["n"].(float64))%14 == 0 {
			return errors.New("disk full")
		}
		return nil
	}}
	dead := &memSink{} // durable at Flush, after every result
	src := &memSource{recs: records(n)}
	src.check = func(rec Record) {
		if i := int(rec.Pos.Offset); i%7 == 0 && !dead.has(i) {
			t.Errorf("failed record %d acked before its dead letter was durable", i)
		}
	}
	rt, err := actors.Start(t.Context(), faulty, actors.MaxInFlight(64))
	if err != nil {
		t.Fatal(err)
	}
	if err := (&Pump{Source: src, Out: out, Dead: dead}).Run(t.Context(), rt); err == nil {
		t.Fatal("no error for the refused writes")
	}
	for i := 0; i < n; i += 14 {
		if src.acked[Position{Partition: int32(i % 3), Offset: int64(i)}] != 0 {
			t.Errorf("record %d acked, but its result was refused", i)
		}
	}
}

func TestPumpCancelledDrains(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	block := make(chan struct{})
	src := &blockingSource{memSource: memSource{recs: records(5)}, after: block}
	go func() { <-block; cancel() }()
	rt, err := actors.Start(t.Context(), faulty)
	if err != nil {
		t.Fatal(err)
	}
	out := &memSink{}
	if err := (&Pump{Source: src, Out: out}).Run(ctx, rt); err != nil {
		t.Fatal(err)
	}
	if len(src.acked) != 5 || len(out.messages()) != 5 {
		t.Fatalf("acked %d, written %d; want 5 each", len(src.acked), len(out.messages()))
	}
}

// blockingSource yields its records, then closes after and blocks until
// ctx ends, like an idle broker.
type blockingSource struct {
	memSource
	after chan struct{}
}

func (s *blockingSource) Next(ctx context.Context) (Record, error) {
	if s.next < len(s.recs) {
		return s.memSource.Next(ctx)
	}
	close(s.after)
	<-ctx.Done()
	return Record{}, ctx.Err()
}
