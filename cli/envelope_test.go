package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

// referenceLine is how result lines were encoded before the envelope
// encoder: encoding/json, HTML unescaped, unencodable values as text.
func referenceLine(t *testing.T, l resultLine) []byte {
	t.Helper()
	enc := func(l resultLine) ([]byte, error) {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		err := e.Encode(l)
		return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
	}
	b, err := enc(l)
	if err != nil && isEncodeError(err) {
		l.Values = encodable(l.Values).(map[string]any)
		b, err = enc(l)
	}
	if err != nil {
		t.Fatalf("reference encoding of %+v: %v", l, err)
	}
	return b
}

func TestEnvelopeMatchesEncodingJSON(t *testing.T) {
	inputs := []map[string]any{
		{},
		{"v": 1},
		{"id": 7, "v": 5, "name": "item-7", "price": 65.01, "s1": 2, "s2": 3, "s3": 4, "s4": 5, "s5": 6},
		{"s": "é \u2028 <tag> & \"q\" \\ \n\t\x01 \xff", "f": 1e-7, "g": 1e21, "h": -0.0, "big": math.MaxInt64, "u": uint64(math.MaxUint64)},
		{"nested": map[string]any{"z": []any{1, 2.5, nil, true, map[string]any{}}, "a": nil}, "list": []any{}, "nil": nil},
		{"t": time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), "d": time.Second, "m": map[string]int{"b": 1, "a": 2}},
		{"\x00key": "hidden", "shown": 1},
		{"nan": math.NaN(), "inf": []any{math.Inf(-1)}, "ok": 1},
		{"ch": make(chan int)},
		manyKeys(40), // read through Map, not Get by Get
	}
	errs := []error{
		nil,
		errors.New("plain <error> \u2029"),
		&flow.StageError{Stage: "s<1>", Attempt: 3, Err: errors.New("boom")},
	}
	var env envelope
	for _, in := range inputs {
		for _, err := range errs {
			for _, st := range []flow.Status{flow.Done, flow.Stopped, flow.Failed} {
				c := flow.NewContext(in)
				c.Set("added", "later")
				res := flow.Result{Context: c, Status: st, Err: err}
				for _, lineNo := range []int{0, 42} {
					want := toLine(res)
					want.Line = lineNo
					head := headOf(res)
					head.Line = lineNo
					got, gotErr := env.encode(head, c)
					if gotErr != nil {
						t.Fatalf("encode %v: %v", c, gotErr)
					}
					if ref := referenceLine(t, want); !bytes.Equal(got, ref) {
						t.Errorf("context %v:\n got %s\nwant %s", c, got, ref)
					}
					// The abandon path: values from the line's map.
					got, gotErr = env.encode(want, nil)
					if ref := referenceLine(t, want); gotErr != nil || !bytes.Equal(got, ref) {
						t.Errorf("map %v:\n got %s (%v)\nwant %s", want.Values, got, gotErr, ref)
					}
				}
			}
		}
		c := flow.NewContext(in)
		got, err := env.encodeValues(c, nil)
		want := referenceValues(t, visible(maps.Collect(c.All())))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("values of %v:\n got %s (%v)\nwant %s", c, got, err, want)
		}
	}
}

func manyKeys(n int) map[string]any {
	m := map[string]any{"\x00hidden": true}
	for i := range n {
		m[fmt.Sprintf("k%d", i)] = []any{i, fmt.Sprint(i)}
	}
	return m
}

func referenceValues(t *testing.T, m map[string]any) []byte {
	t.Helper()
	enc := func(v any) ([]byte, error) {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		err := e.Encode(v)
		return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
	}
	b, err := enc(m)
	if err != nil && isEncodeError(err) {
		b, err = enc(encodable(m))
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func BenchmarkEnvelope(b *testing.B) {
	c := flow.NewContext(map[string]any{"id": 7, "v": 5, "name": "item-7", "price": 65.01})
	for i := 1; i <= 5; i++ {
		c.Set("s"+string(rune('0'+i)), i)
	}
	res := flow.Result{Context: c, Status: flow.Done}
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l := toLine(res)
			var buf bytes.Buffer
			e := json.NewEncoder(&buf)
			e.SetEscapeHTML(false)
			_ = e.Encode(l)
		}
	})
	b.Run("envelope", func(b *testing.B) {
		var env envelope
		b.ReportAllocs()
		for b.Loop() {
			_, _ = env.encode(headOf(res), c)
		}
	})
}

// BenchmarkEnvelopeKeys shows the cost per key stays flat as contexts grow.
func BenchmarkEnvelopeKeys(b *testing.B) {
	for _, n := range []int{4, 32, 256} {
		in := map[string]any{}
		for i := range n {
			in[fmt.Sprintf("key%03d", i)] = i
		}
		c := flow.NewContext(in)
		res := flow.Result{Context: c, Status: flow.Done}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var env envelope
			b.ReportAllocs()
			for b.Loop() {
				_, _ = env.encode(headOf(res), c)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}
