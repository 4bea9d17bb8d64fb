package file

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
)

func readAll(t *testing.T, s *Source) []stream.Record {
	t.Helper()
	var recs []stream.Record
	for {
		rec, err := s.Next(t.Context())
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

func TestSourceLinesAndMalformed(t *testing.T) {
	s, err := NewSource(strings.NewReader("{\"a\":1}\n\n[1]\n{\"a\":2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(t.Context())
	recs := readAll(t, s)
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	if recs[0].Pos.Offset != 1 || recs[1].Pos.Offset != 3 || recs[2].Pos.Offset != 4 {
		t.Fatalf("positions %v %v %v, want lines 1 3 4", recs[0].Pos, recs[1].Pos, recs[2].Pos)
	}
	if !errors.Is(recs[1].Bad, jsonl.ErrNotObject) || recs[0].Bad != nil {
		t.Fatalf("bad: %v, %v", recs[0].Bad, recs[1].Bad)
	}
}

// TestCheckpointResumes acks lines out of order, closes, and checks that
// the checkpoint names the highest contiguous acked line and that a new
// source resumes after it.
func TestCheckpointResumes(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	var b strings.Builder
	for range 10 {
		b.WriteString("{\"x\":1}\n")
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(dir, "ck")
	s, err := Open(in, Checkpoint(ck))
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, s)
	for _, i := range []int{0, 1, 2, 4, 5} { // line 4 (index 3) is still in flight
		s.Ack(recs[i])
	}
	if got := s.Line(); got != 3 {
		t.Fatalf("Line() = %d, want 3", got)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	c, err := loadCheckpoint(ck)
	if err != nil || c.line != 3 {
		t.Fatalf("checkpoint %v (%v), want line 3", c, err)
	}

	s2, err := Open(in, Checkpoint(ck))
	if err != nil {
		t.Fatal(err)
	}
	recs = readAll(t, s2)
	if len(recs) != 7 || recs[0].Pos.Offset != 4 {
		t.Fatalf("resumed with %d records from %v, want 7 from line 4", len(recs), recs[0].Pos)
	}
	for _, r := range recs {
		s2.Ack(r)
	}
	if err := s2.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if c, _ := loadCheckpoint(ck); c.line != 10 {
		t.Fatalf("checkpoint line %d, want 10", c.line)
	}
}

func TestCheckpointNotACheckpoint(t *testing.T) {
	ck := filepath.Join(t.TempDir(), "ck")
	os.WriteFile(ck, []byte("hello"), 0o644)
	if _, err := NewSource(strings.NewReader(""), Checkpoint(ck)); err == nil || !strings.Contains(err.Error(), "not a checkpoint") {
		t.Fatalf("err = %v", err)
	}
}

func TestSinkDurableAndAppendCutsTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.jsonl")
	if err := os.WriteFile(path, []byte("{\"a\":1}\n{\"a\":2}\n{\"a\""), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Create(path, Append())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	for _, v := range []string{`{"a":3}`, `{"a":4}`} {
		if err := s.Write(t.Context(), stream.Message{Value: []byte(v)}, func(err error) { done <- err }); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// Durable means on disk: readable now, before Close.
	b, _ := os.ReadFile(path)
	if want := "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n"; string(b) != want {
		t.Fatalf("file holds %q, want %q", b, want)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestSinkToPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := NewSink(w)
	got := make(chan error, 1)
	s.Write(context.Background(), stream.Message{Value: []byte(`{}`)}, func(err error) { got <- err })
	line := make([]byte, 3)
	if _, err := io.ReadFull(r, line); err != nil || string(line) != "{}\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	if err := <-got; err != nil {
		t.Fatalf("a pipe's flushed line reported %v", err)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	w.Close()
}

func TestSinkWriteErrorIsReported(t *testing.T) {
	s := newSink(failingWriter{}, nil, sinkConfig{})
	got := make(chan error, 1)
	s.Write(t.Context(), stream.Message{Value: make([]byte, 100<<10)}, func(err error) { got <- err })
	if err := <-got; err == nil {
		t.Fatal("no error from a failing writer")
	}
	if err := s.Close(t.Context()); err == nil {
		t.Fatal("Close hid the write error")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestNoCheckpointTracksNothing: without a checkpoint a source keeps no
// record of its lines (Ack does nothing), so Line stays 0.
func TestNoCheckpointTracksNothing(t *testing.T) {
	s, err := NewSource(strings.NewReader("{\"x\":1}\n{\"x\":2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range readAll(t, s) {
		s.Ack(rec)
	}
	if got := s.Line(); got != 0 {
		t.Fatalf("Line() = %d without a checkpoint, want 0", got)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}
