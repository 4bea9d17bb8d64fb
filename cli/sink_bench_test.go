package cli

import (
	"context"
	"io"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
	"github.com/serviceflow/serviceflow/stream/file"
)

// BenchmarkSinkAdd is the results' side of a run per input: its result
// line encoded and written (to a buffered writer; no fsync), its record
// looked up.
func BenchmarkSinkAdd(b *testing.B) {
	out := file.NewSink(io.Discard)
	s := &sink{out: out}
	c := flow.NewContext(map[string]any{"v": 1})
	for i := 1; i <= 5; i++ {
		c.Set("s"+string(rune('0'+i)), i)
	}
	rec := &stream.Record{}
	b.ReportAllocs()
	for b.Loop() {
		s.expect(c.ID(), 1, nil, rec)
		s.add(flow.Result{Context: c, Status: flow.Done}, false)
	}
	b.StopTimer()
	if err := s.close(context.Background()); err != nil {
		b.Fatal(err)
	}
}
