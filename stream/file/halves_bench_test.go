package file

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/serviceflow/serviceflow/internal/jsoncodec"
	"github.com/serviceflow/serviceflow/stream"
)

// The two halves of a file run around the flow, for issue 11's workload
// ({"v":i} lines in, the values with five more keys out):
//
//	go test ./stream/file -run '^$' -bench 'Read|Write' -benchmem -count 5

// BenchmarkReadDecode reads and decodes b.N lines through a Source, with
// every check jsonl makes.
func BenchmarkReadDecode(b *testing.B) {
	benchmarkRead(b, func(i int) string { return fmt.Sprintf("{\"v\":%d}\n", i) })
}

// BenchmarkReadDecodeTypical is BenchmarkReadDecode for a typical 200-byte
// log-like line of 10 keys (strings, numbers, an array, an object).
func BenchmarkReadDecodeTypical(b *testing.B) {
	benchmarkRead(b, func(i int) string {
		return fmt.Sprintf(`{"ts":"2025-01-02T03:04:05.678Z","level":"info","service":"checkout","msg":"order placed","order_id":%09d,"amount":42.5,"items":3,"tags":["web","eu"],"user":{"id":"u-991","tier":2},"region":"x"}`+"\n", 100000000+i%900000000)
	})
}

func benchmarkRead(b *testing.B, line func(i int) string) {
	path := filepath.Join(b.TempDir(), "in.jsonl")
	var sb strings.Builder
	for i := range b.N {
		sb.WriteString(line(i))
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len() / b.N))
	b.ReportAllocs()
	b.ResetTimer()
	src, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close(context.Background())
	for range b.N {
		rec, err := src.Next(context.Background())
		if err != nil || rec.Values == nil {
			b.Fatalf("record %+v, %v", rec, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkEncodeWrite encodes b.N results' values and writes them to a
// file Sink, waiting until each is durable (flushed and fsynced, the
// fsyncs batched).
func BenchmarkEncodeWrite(b *testing.B) {
	out, err := Create(filepath.Join(b.TempDir(), "out.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	values := map[string]any{"v": 5, "s1": 1, "s2": 2, "s3": 3, "s4": 4, "s5": 5}
	var wg sync.WaitGroup
	wg.Add(b.N)
	durable := func(err error) {
		if err != nil {
			b.Error(err)
		}
		wg.Done()
	}
	b.ReportAllocs()
	b.ResetTimer()
	var buf []byte
	for i := range b.N {
		values["v"] = i
		buf, err = jsoncodec.AppendValue(buf[:0], values)
		if err != nil {
			b.Fatal(err)
		}
		// The message is lent for the call: buf is encoded into again.
		if err := out.Write(context.Background(), stream.Message{Value: buf}, durable); err != nil {
			b.Fatal(err)
		}
	}
	wg.Wait()
	b.StopTimer()
	if err := out.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
