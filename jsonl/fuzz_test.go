package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[1.5,-2,3.0,1e2,"x",null,true,{}],"c":{"d":"\u00e9\ud83d\ude00"}}`,
		`{"a":1,"\u0061":2}`,
		`{"n":123456789012345678901234567890}`,
		`{"n":1e999}`,
		`[[[[[[[[[[`,
		`{"a":1} x`,
		"{\"a\":\"\x1b[31m\xff\x00\"}",
		`"s"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		v, err := Decode(line)
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.Kind == nil || v != nil {
				t.Fatalf("Decode(%q) = %v, %#v; want nil and a *LineError", line, v, err)
			}
			if len(le.Preview) > previewMax || !safeText(le.Preview) {
				t.Fatalf("unsafe preview %q", le.Preview)
			}
			if msg := le.Error(); !safeText(msg) || len(msg) > 1000 {
				t.Fatalf("unsafe or long message %q", msg)
			}
			return
		}
		if !json.Valid(line) {
			t.Fatalf("Decode(%q) accepted invalid JSON", line)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("re-encoding %#v: %v", v, err)
		}
		v2, err := Decode(b)
		if err != nil {
			t.Fatalf("decoding re-encoded %q: %v", b, err)
		}
		if !sameValue(v, v2) {
			t.Fatalf("round trip changed the value:\n%#v\n%#v", v, v2)
		}
	})
}

// sameValue is reflect.DeepEqual, except that a float64 and an int of the
// same value are equal: a literal that is not integral (1e-400, or
// 4503599627370496.5, which rounds) decodes to a float64 that re-encodes as
// an integer literal, which decodes to an int. The number is the same.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !sameValue(av, bv) {
				return false
			}
		}
		return true
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return false
		}
		for i := range a {
			if !sameValue(a[i], bs[i]) {
				return false
			}
		}
		return true
	case float64:
		if bi, ok := b.(int); ok {
			return a == float64(bi)
		}
	}
	return reflect.DeepEqual(a, b)
}

// FuzzReader feeds arbitrary streams, with a small line limit so that
// oversized lines and buffer boundaries are exercised.
func FuzzReader(f *testing.F) {
	f.Add([]byte("{\"a\":1}\r\n\n  \n[1]\n{\"b\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{}"), 16)
	f.Add([]byte("\xef\xbb\xbf{}\n\xef\xbb\xbf{}"), 2)
	f.Fuzz(func(t *testing.T, stream []byte, limit int) {
		r := NewReader(bytes.NewReader(stream), MaxLineSize(limit%64))
		var records, malformed int
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			var le *LineError
			switch {
			case err == nil:
				records++
				if rec.Values == nil || rec.Line < 1 {
					t.Fatalf("bad record %+v", rec)
				}
			case errors.As(err, &le):
				malformed++
				if len(le.Preview) > previewMax || !safeText(le.Preview) {
					t.Fatalf("unsafe preview %q", le.Preview)
				}
			default:
				t.Fatalf("Next() error = %v", err)
			}
		}
		st := r.Stats()
		if st.Records != records || st.Malformed != malformed || st.Lines != st.Records+st.Malformed+st.Blank {
			t.Fatalf("Stats() = %+v after %d records, %d errors", st, records, malformed)
		}
		if want := bytes.Count(stream, []byte("\n")); st.Lines != want && st.Lines != want+1 {
			t.Fatalf("Stats().Lines = %d for %d newlines", st.Lines, want)
		}
	})
}
