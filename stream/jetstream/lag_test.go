package jetstream

import (
	"github.com/serviceflow/serviceflow/internal/testpoll"
	"testing"

	"github.com/serviceflow/serviceflow/stream"
)

// A source's Lag is its consumer's, polled: the ack floor, the stream's
// last sequence, and the messages not done (undelivered or unacked).
func TestSourceLag(t *testing.T) {
	cfg, js := natsServer(t)
	publish(t, js, 0, 10)
	cfg.Stream, cfg.Durable = "IN", "lag"
	src, err := NewSource(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(t.Context()) // idempotent: for a test that fails early
	if l := src.Lag(); l.Name != "IN/lag" {
		t.Fatalf("Lag().Name = %q, want IN/lag", l.Name)
	}
	var unacked []stream.Record
	for range 8 {
		rec, err := src.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if rec.Pos.Offset <= 6 {
			src.Ack(rec)
		} else {
			unacked = append(unacked, rec)
		}
	}
	var l Lag
	testpoll.Until(t, "Lag() shows ack floor 6, last 10, 4 pending (a state the source polls itself)", func() bool {
		l = src.Lag()
		return l.AckFloor == 6 && l.Last == 10 && l.Pending == 4
	})
	if err := src.Health(); err != nil {
		t.Fatalf("Health: %v", err)
	}

	// Close sends the last acks and polls once more: Lag is then final.
	for _, rec := range unacked {
		src.Ack(rec)
	}
	if err := src.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if l := src.Lag(); l.AckFloor != 8 || l.Pending != 2 {
		t.Fatalf("Lag() after Close = %+v, want ack floor 8, 2 pending", l)
	}
}
