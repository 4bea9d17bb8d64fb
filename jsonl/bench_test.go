package jsonl

import (
	"bufio"
	"encoding/json"
	"io"
	"testing"
)

// typicalLine is a 200-byte log-like record.
const typicalLine = `{"ts":"2025-01-02T03:04:05.678Z","level":"info","service":"checkout","msg":"order placed","order_id":123456789,"amount":42.5,"items":3,"tags":["web","eu"],"user":{"id":"u-991","tier":2},"region":"x"}` + "\n"

// repeat yields typicalLine forever.
type repeat struct{ off int }

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], typicalLine[r.off:])
		n += c
		r.off = (r.off + c) % len(typicalLine)
	}
	return n, nil
}

func BenchmarkReader(b *testing.B) {
	if len(typicalLine) != 200 {
		b.Fatalf("typicalLine is %d bytes", len(typicalLine))
	}
	r := NewReader(&repeat{})
	b.SetBytes(int64(len(typicalLine)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaseline is the naive alternative, for comparison: bufio.Scanner
// and json.Unmarshal, without any of the checks.
func BenchmarkBaseline(b *testing.B) {
	sc := bufio.NewScanner(io.Reader(&repeat{}))
	b.SetBytes(int64(len(typicalLine)))
	b.ReportAllocs()
	for b.Loop() {
		sc.Scan()
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			b.Fatal(err)
		}
	}
}
