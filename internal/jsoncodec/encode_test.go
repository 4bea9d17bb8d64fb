package jsoncodec

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// stdEncode is the reference: an encoding/json Encoder with
// SetEscapeHTML(false), without its newline.
func stdEncode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

type point struct {
	X, Y int
	Tag  string `json:"tag,omitempty"`
}

// corpus holds values of every kind the hot path meets, and some it should
// hand to encoding/json.
func corpus() []any {
	var allBytes strings.Builder
	for b := range 256 {
		allBytes.WriteByte(byte(b))
	}
	return []any{
		nil, true, false, "", "plain", "quote \" backslash \\ slash /",
		"\b\f\n\r\t\x00\x01\x1f\x7f", "<html> & 'single'", "é ü 日本 😀", "\u2028\u2029",
		"bad \xff utf8 \xc3", allBytes.String(),
		0, 1, -1, math.MaxInt64, math.MinInt64, int8(-8), int16(300), int32(-70000), int64(1 << 53),
		uint(7), uint8(255), uint16(65535), uint32(1 << 31), uint64(math.MaxUint64),
		0.0, math.Copysign(0, -1), 1.5, -2.25, 1e20, 1e21, 1e-6, 1e-7, 123456789.125, 0.1 + 0.2,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 9007199254740993.0, 1e-400, -1e300,
		float32(1.1), float32(1e21), float32(1e-7), float32(math.MaxFloat32), float32(-0.5),
		json.Number("12.50"), json.RawMessage(`{"b":1,"a":2}`),
		map[string]any{}, map[string]any(nil), []any{}, []any(nil),
		map[string]any{"b": 1, "a": []any{1, "x", nil, 2.5, map[string]any{"z": true, "y": nil}}, "": "empty key", "é": 1, "A": 2, "\u2028k\"": 3},
		[]any{[]any{[]any{}}, map[string]any{"k": []any{float32(2.5)}}},
		map[string]int{"b": 2, "a": 1}, []string{"x", "<y>"}, []int(nil), point{1, 2, "<t>"}, &point{X: 3},
		time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC), 90 * time.Second, []byte("bytes"),
		map[string]any{"nested": map[string]any{"t": time.Unix(0, 0).UTC(), "p": point{}}},
	}
}

func TestAppendValueMatchesEncodingJSON(t *testing.T) {
	for _, v := range corpus() {
		want, err := stdEncode(v)
		if err != nil {
			t.Fatalf("reference failed on %#v: %v", v, err)
		}
		got, err := AppendValue([]byte("prefix"), v)
		if err != nil {
			t.Errorf("AppendValue(%#v): %v", v, err)
			continue
		}
		if !bytes.Equal(got[len("prefix"):], want) {
			t.Errorf("AppendValue(%#v)\n got %s\nwant %s", v, got[len("prefix"):], want)
		}
	}
}

func TestAppendValueFailsWhereEncodingJSONFails(t *testing.T) {
	for _, v := range []any{
		math.NaN(), math.Inf(1), float32(math.Inf(-1)),
		map[string]any{"a": 1, "b": []any{math.NaN()}},
		make(chan int), map[string]any{"f": func() {}},
	} {
		_, stdErr := stdEncode(v)
		_, err := AppendValue(nil, v)
		if stdErr == nil || err == nil {
			t.Fatalf("%#v: AppendValue error %v, encoding/json error %v; want both", v, err, stdErr)
		}
		var uv *json.UnsupportedValueError
		var ut *json.UnsupportedTypeError
		if errors.As(stdErr, &uv) != errors.As(err, &uv) || errors.As(stdErr, &ut) != errors.As(err, &ut) {
			t.Errorf("%#v: AppendValue error %T, encoding/json's %T", v, err, stdErr)
		}
	}
}

func TestAppendObjectSortsLikeAMap(t *testing.T) {
	fields := []Field{{"v", 5}, {"id", 1}, {"s1", 2.5}, {"B", nil}, {"é", "x"}, {"a b", []any{}}}
	m := map[string]any{}
	for _, f := range fields {
		m[f.Key] = f.Value
	}
	want, _ := stdEncode(m)
	got, err := AppendObject(nil, fields)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("AppendObject = %s, %v; want %s", got, err, want)
	}
}

// FuzzAppendValue checks the encoder against encoding/json on every value
// a JSON line decodes to, with numbers both as float64 and as int where
// integral (as flowrun's decoder gives them).
func FuzzAppendValue(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[1.5,-2,3.0,1e2,"x",null,true,{}],"c":{"d":"\u00e9\ud83d\ude00"}}`,
		`{"n":123456789012345678901234567890,"f":1e-7,"g":1e21,"h":-0.0}`,
		`["\u2028\u0000<>&", "\ud800", 0.1]`,
		`"s"`, `12`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var v any
		if err := json.Unmarshal(line, &v); err != nil {
			return
		}
		for _, v := range []any{v, integral(v)} {
			want, err := stdEncode(v)
			got, gotErr := AppendValue(nil, v)
			if (err == nil) != (gotErr == nil) {
				t.Fatalf("%#v: AppendValue error %v, encoding/json error %v", v, gotErr, err)
			}
			if err == nil && !bytes.Equal(got, want) {
				t.Fatalf("%#v:\n got %s\nwant %s", v, got, want)
			}
		}
	})
}

// integral returns v with every integral float64 that fits in an int
// replaced by that int.
func integral(v any) any {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<62 {
			return int(v)
		}
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = integral(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = integral(e)
		}
		return s
	}
	return v
}
