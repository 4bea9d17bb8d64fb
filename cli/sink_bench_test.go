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
// looked up and, in "acked", acknowledged once the line is durable (as
// flowrun run does for a file's lines).
func BenchmarkSinkAdd(b *testing.B) {
	c := flow.NewContext(map[string]any{"v": 1})
	for i := 1; i <= 5; i++ {
		c.Set("s"+string(rune('0'+i)), i)
	}
	for _, acked := range []bool{false, true} {
		name := "unacked"
		if acked {
			name = "acked"
		}
		b.Run(name, func(b *testing.B) {
			s := &sink{out: file.NewSink(io.Discard)}
			if acked {
				s.acks = stream.NewDeliveries(nopSource{})
			}
			rec := &stream.Record{}
			b.ReportAllocs()
			for b.Loop() {
				s.expect(c.ID(), 1, nil, rec)
				s.add(flow.Result{Context: c, Status: flow.Done})
			}
			b.StopTimer()
			if err := s.close(context.Background()); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// nopSource takes acknowledgements and forgets them.
type nopSource struct{}

func (nopSource) Next(ctx context.Context) (stream.Record, error) { return stream.Record{}, io.EOF }
func (nopSource) Ack(stream.Record)                               {}
func (nopSource) Close(context.Context) error                     { return nil }
