package cli

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
	"github.com/serviceflow/serviceflow/stream/file"
)

// brokerSource is a source whose records come decoded, as a broker's do.
type brokerSource struct{ recs []stream.Record }

func (s *brokerSource) Next(context.Context) (stream.Record, error) {
	if len(s.recs) == 0 {
		return stream.Record{}, io.EOF
	}
	r := s.recs[0]
	s.recs = s.recs[1:]
	return r, nil
}
func (s *brokerSource) Ack(stream.Record)           {}
func (s *brokerSource) Close(context.Context) error { return nil }

// TestSourceFeedChecksDeclaredTypes checks that records from any source,
// not only files, are held to the flow file's declared input types.
func TestSourceFeedChecksDeclaredTypes(t *testing.T) {
	f, err := flowfile.Load("t.yaml", []byte("input: {latency_ms: float}\nsteps:\n  - service: set\n    with: {values: {v: 1}}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	src := &brokerSource{recs: []stream.Record{
		{Pos: stream.Position{Offset: 1}, Values: map[string]any{"latency_ms": 3}},
		{Pos: stream.Position{Offset: 2}, Values: map[string]any{"latency_ms": "slow"}},
	}}
	var got []input
	if err := sourceFeed(src, f.CheckInput)(context.Background(), func(in input) bool { got = append(got, in); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].bad != nil || got[0].values["latency_ms"] != 3.0 {
		t.Fatalf("first record: %+v", got)
	}
	le := got[1].bad
	if le == nil || !errors.Is(le, jsonl.ErrInvalidInput) || le.Line != 2 ||
		le.Error() != `line 2: invalid input: input "latency_ms" is declared float, found string "slow" (preview: "{\"latency_ms\":\"slow\"}")` {
		t.Fatalf("second record: %v", le)
	}
}

// TestRecheckOnlyWhatNoDecoderChecked: a file source's decoder applies the
// declared input types to every line, so sourceFeed does not check its
// records again; other sources' records it does.
func TestRecheckOnlyWhatNoDecoderChecked(t *testing.T) {
	check := func(map[string]any) error { return nil }
	fsrc, err := file.NewSource(strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if recheck(fsrc, check) != nil {
		t.Error("a file source's records are checked twice")
	}
	if recheck(&brokerSource{}, check) == nil {
		t.Error("a broker source's records are not checked")
	}
}
