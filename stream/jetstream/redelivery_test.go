package jetstream

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/serviceflow/serviceflow/stream"
)

// waitRedelivered waits until the consumer has redelivered n messages.
func waitRedelivered(t *testing.T, js jetstream.JetStream, n int) {
	t.Helper()
	cons, err := js.Consumer(t.Context(), "IN", "d")
	if err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		ci, err := cons.Info(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if ci.NumRedelivered >= n {
			return
		}
		<-tick.C
	}
}

// TestRedeliveryOfAMessageHeldOrAckedIsDropped: when the server redelivers
// a message this source still holds, or has just acked (its ack wait
// passed while it waited in the pull buffer on a saturated machine; here a
// Nak does it at once), the copy is not handed out again: it would be a
// duplicate that no crash explains.
func TestRedeliveryOfAMessageHeldOrAckedIsDropped(t *testing.T) {
	cfg, js := natsServer(t)
	publish(t, js, 0, 2)
	in := cfg
	in.Stream, in.Durable = "IN", "d"
	src, err := NewSource(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(t.Context())
	var recs []stream.Record
	for range 2 {
		rec, err := src.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	for _, rec := range recs {
		if err := rec.Handle.(jetstream.Msg).Nak(); err != nil {
			t.Fatal(err)
		}
	}
	waitRedelivered(t, js, 2) // both copies are on their way, ahead of what is published next
	src.Ack(recs[1])          // sequence 2 is acked; sequence 1 is still held
	publish(t, js, 2, 3)
	rec, err := src.Next(t.Context())
	if err != nil || rec.Pos.Offset != 3 {
		t.Fatalf("Next = sequence %d, %v; want 3, the copies of 1 and 2 dropped", rec.Pos.Offset, err)
	}
	if n := src.Repeats(); n != 2 {
		t.Fatalf("%d repeats dropped, want 2", n)
	}
	src.Ack(recs[0])
	src.Ack(rec)
}

// TestWindowBoundsUnconfirmedMessages: a Source hands out at most
// Config.Window messages whose acks the server has not confirmed.
func TestWindowBoundsUnconfirmedMessages(t *testing.T) {
	cfg, js := natsServer(t)
	publish(t, js, 0, 5)
	in := cfg
	in.Stream, in.Durable, in.Window = "IN", "d", 2
	src, err := NewSource(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(t.Context())
	var recs []stream.Record
	for range 2 {
		rec, err := src.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	full, cancel := context.WithCancel(t.Context())
	cancel()
	if rec, err := src.Next(full); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with 2 messages unacked = %v, %v; want it to wait (context.Canceled)", rec.Pos, err)
	}
	src.Ack(recs[0]) // half the window: confirmed at once
	rec, err := src.Next(t.Context())
	if err != nil || rec.Pos.Offset != 3 {
		t.Fatalf("Next = sequence %d, %v; want 3", rec.Pos.Offset, err)
	}
	src.Ack(recs[1])
	src.Ack(rec)
}
