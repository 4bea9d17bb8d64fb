package kafka

import (
	"context"
	"errors"
	"testing"

	"github.com/serviceflow/serviceflow/stream"
)

// TestWindowBoundsUncommittedRecords: a Source hands out at most
// Config.Window records its group has not committed, and goes on once a
// commit (early, at half the window) covers some.
func TestWindowBoundsUncommittedRecords(t *testing.T) {
	cfg := cluster(t, 1, "in")
	produce(t, cfg, "in", numbered(0, 20)...)
	cfg.Window = 4
	src := source(t, cfg, "in", "g")
	defer src.Close(t.Context())
	var recs []stream.Record
	for range 4 {
		rec, err := src.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	full, cancel := context.WithCancel(t.Context())
	cancel()
	if rec, err := src.Next(full); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with 4 records uncommitted = %v, %v; want it to wait (context.Canceled)", rec.Pos, err)
	}
	src.Ack(recs[1]) // not committable: record 0 is in flight
	src.Ack(recs[0]) // two committable: half the window, so a commit now
	for want := int64(4); want <= 5; want++ {
		rec, err := src.Next(t.Context())
		if err != nil || rec.Pos.Offset != want {
			t.Fatalf("Next = offset %d, %v; want %d", rec.Pos.Offset, err, want)
		}
	}
	if p := src.Partitions(); len(p) != 1 || p[0].Committed != 2 {
		t.Fatalf("partitions %+v, want partition 0 committed at 2", p)
	}
}
