package kafka

import (
	"context"
	"errors"
	"runtime"
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

// TestRevokeCommitsWhatWasInFlight: a revoke lets the partition's records
// in flight finish and commits them before it returns, so the new owner
// starts after them and a rebalance repeats nothing.
func TestRevokeCommitsWhatWasInFlight(t *testing.T) {
	cfg := cluster(t, 1, "in")
	produce(t, cfg, "in", numbered(0, 5)...)
	src := source(t, cfg, "in", "g")
	var recs []stream.Record
	for range 2 {
		rec, err := src.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	src.Ack(recs[0])
	acked := make(chan struct{})
	go func() {
		defer close(acked)
		for !revoking(src, 0) { // the revoke has begun: record 1 finishes during it
			runtime.Gosched()
		}
		src.Ack(recs[1])
	}()
	src.revoked(t.Context(), src.cl, map[string][]int32{"in": {0}})
	<-acked
	src.Close(t.Context())

	next := source(t, cfg, "in", "g")
	defer next.Close(t.Context())
	rec, err := next.Next(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Pos.Offset != 2 {
		t.Fatalf("the new owner starts at offset %d, want 2: both records in flight at the revoke were committed", rec.Pos.Offset)
	}
}

// revoking reports whether s is revoking partition p (or has forgotten it).
func revoking(s *Source, p int32) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ours := s.epochs[p]
	return s.revoking[p] || !ours
}
