package file

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
)

// BenchmarkPumpFileToFile is the file path beside the brokers': b.N JSON
// lines read with a checkpoint, through one trivial service, written with
// batched fsyncs, each line's checkpoint advanced once its result is
// durable.
//
//	go test ./stream/file -run '^$' -bench Pump -benchtime 100000x -count 5
func BenchmarkPumpFileToFile(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	var sb strings.Builder
	for i := range b.N {
		fmt.Fprintf(&sb, "{\"n\":%d}\n", i)
	}
	if err := os.WriteFile(in, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	f := flow.New(flow.Func("inc", func(_ context.Context, c *flow.Context) error {
		v, err := flow.Value[int](c, "n")
		c.Set("n", v+1)
		return err
	}))
	b.ResetTimer()
	src, err := Open(in, Checkpoint(filepath.Join(dir, "ck")))
	if err != nil {
		b.Fatal(err)
	}
	out, err := Create(filepath.Join(dir, "out.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	rt, err := actors.Start(b.Context(), f)
	if err != nil {
		b.Fatal(err)
	}
	if err := (&stream.Pump{Source: src, Out: out}).Run(b.Context(), rt); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if src.Line() != int64(b.N) {
		b.Fatalf("checkpoint at %d, want %d", src.Line(), b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inputs/s")
}
