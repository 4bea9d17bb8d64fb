package cli

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream/file"
)

// BenchmarkReadSide is the read side of a file run, per input line as
// flowrun run does it: the file source reads and decodes the line (with the
// flow file's declared input types checked, as run opens it), sourceFeed makes it an input,
// and intake builds its flow.Context (the runtime and the sink are left
// out). bench --e2e's workload ({"v":i} lines, input: {v: int}) and a
// typical 200-byte line of 10 keys:
//
//	go test ./cli -run '^$' -bench ReadSide -benchmem
func BenchmarkReadSide(b *testing.B) {
	for _, c := range []struct {
		name, input string
		line        func(i int) string
	}{
		{"e2e", "{v: int}", func(i int) string { return fmt.Sprintf("{\"v\":%d}\n", i) }},
		{"typical", "{order_id: int, amount: float}", func(i int) string {
			return fmt.Sprintf(`{"ts":"2025-01-02T03:04:05.678Z","level":"info","service":"checkout","msg":"order placed","order_id":%09d,"amount":42.5,"items":3,"tags":["web","eu"],"user":{"id":"u-991","tier":2},"region":"x"}`+"\n", 100000000+i%900000000)
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f, err := flowfile.Load("bench.yaml", []byte("input: "+c.input+"\nsteps:\n  - service: set\n    with: {values: {s: 1}}\n"), nil)
			if err != nil {
				b.Fatal(err)
			}
			var in bytes.Buffer
			for i := range b.N {
				in.WriteString(c.line(i))
			}
			b.SetBytes(int64(in.Len() / b.N))
			b.ReportAllocs()
			b.ResetTimer()
			src, err := file.NewSource(&in, file.Decoding(jsonl.Check(f.CheckInput)))
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			err = sourceFeed(src, recheck(src, f.CheckInput))(context.Background(), func(in input) bool {
				if in.bad != nil {
					b.Fatal(in.bad)
				}
				if flow.NewContext(in.values).ID() == 0 {
					b.Fatal("no ID")
				}
				n++
				return true
			})
			if err != nil || n != b.N {
				b.Fatalf("%d inputs, %v", n, err)
			}
		})
	}
}
