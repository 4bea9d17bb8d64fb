package jsoncodec

import (
	"bytes"
	"reflect"
	"testing"
	"unicode/utf8"
)

var decodeCorpus = []string{
	`{"a":1,"b":[1.5,-2,3.0,1e2,"x",null,true,{}],"c":{"d":"\u00e9\ud83d\ude00"}}`,
	`{"n":123456789012345678901234567890,"f":1e-400,"g":9007199254740993.0,"h":-0}`,
	`{"s":"\ud800 lone \udfff surrogates","e":"\u0000\u001f\"\\\/\b\f\n\r\t","u":"日本 😀 \u2028"}`,
	` {"a":[]} `, "{\"a\":1}\r", `[]`, `"s"`, `12`, `null`,
	`{"a":1} x`, `{"a":1}{}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":"\x"}`, `{"a" : 1 , }`, `[1,]`,
	"{\"a\":\"\t\"}", `{"a":"unterminated}`, `{`, ``, `   `, `{"a":tru}`, `{"a":nul}`,
}

func TestUnmarshalAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range decodeCorpus {
		checkAgrees(t, []byte(s))
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range decodeCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
			return // jsonl rejects these before decoding
		}
		checkAgrees(t, b)
	})
}

// checkAgrees checks that Unmarshal accepts exactly what encoding/json
// accepts, with the same value. (A fast decoder may reject more: its
// callers decode again with encoding/json on any error.)
func checkAgrees(t *testing.T, b []byte) {
	t.Helper()
	want, wantErr := unmarshalStd(b)
	got, err := Unmarshal(b)
	switch {
	case err != nil && wantErr == nil:
		t.Errorf("Unmarshal(%q) failed (%v), encoding/json gives %#v", b, err, want)
	case err == nil && wantErr != nil:
		t.Errorf("Unmarshal(%q) = %#v, encoding/json fails: %v", b, got, wantErr)
	case err == nil && !reflect.DeepEqual(got, want):
		t.Errorf("Unmarshal(%q)\n got %#v\nwant %#v", b, got, want)
	}
}

func TestUnmarshalCopiesStrings(t *testing.T) {
	line := []byte(`{"k":"value","l":["x"]}`)
	v, err := Unmarshal(line)
	if err != nil {
		t.Fatal(err)
	}
	for i := range line {
		line[i] = 'z'
	}
	m := v.(map[string]any)
	if m["k"] != "value" || m["l"].([]any)[0] != "x" {
		t.Fatalf("the values changed with the buffer: %#v", m)
	}
	if _, ok := m["k"]; !ok {
		t.Fatal("the key changed with the buffer")
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	line := []byte(`{"ts":"2025-01-02T03:04:05.678Z","level":"info","service":"checkout","msg":"order placed","order_id":123456789,"amount":42.5,"items":3,"tags":["web","eu"],"user":{"id":"u-991","tier":2},"region":"x"}`)
	for _, d := range []struct {
		name string
		fn   func([]byte) (any, error)
	}{{"encoding-json", unmarshalStd}, {"fast", Unmarshal}} {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.fn(line); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
