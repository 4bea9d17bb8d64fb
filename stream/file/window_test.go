package file

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/stream"
)

// TestWindowBoundsLinesAheadOfTheCheckpoint: a resumable source reads at
// most its window of lines ahead of its checkpoint, and goes on once the
// checkpoint covers them; so a crash repeats at most that many.
func TestWindowBoundsLinesAheadOfTheCheckpoint(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(in, []byte(strings.Repeat("{\"x\":1}\n", 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(in, Checkpoint(filepath.Join(dir, "ck")), Window(3))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(t.Context())
	var recs []stream.Record
	for range 3 {
		rec, err := s.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	full, cancel := context.WithCancel(t.Context())
	cancel()
	if rec, err := s.Next(full); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with 3 lines read and none recorded = %v, %v; want it to wait (context.Canceled)", rec.Pos, err)
	}
	s.Ack(recs[1]) // line 2: the checkpoint cannot pass line 1
	s.Ack(recs[0]) // now it records line 2, and two slots are free
	for want := int64(4); want <= 5; want++ {
		rec, err := s.Next(t.Context())
		if err != nil || rec.Pos.Offset != want {
			t.Fatalf("Next = line %d, %v; want line %d", rec.Pos.Offset, err, want)
		}
	}
}
