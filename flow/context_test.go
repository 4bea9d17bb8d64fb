package flow_test

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/jsonl"
)

func TestContextGetSetDelete(t *testing.T) {
	c := flow.NewContext(map[string]any{"b": 2, "a": 1})
	if c.ID() == 0 || c.Attempt() != 1 {
		t.Fatalf("id %d attempt %d", c.ID(), c.Attempt())
	}
	c.Set("c", 3)
	c.Set("a", 10)
	c.Delete("b")
	c.Delete("missing")
	var keys []string
	for k := range c.All() {
		keys = append(keys, k)
	}
	if want := []string{"a", "c"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("All's keys = %v, want %v", keys, want)
	}
	if v, ok := c.Get("a"); !ok || v != 10 {
		t.Errorf("a = %v %v", v, ok)
	}
	if _, ok := c.Get("b"); ok {
		t.Error("b still set")
	}
	if got := c.Input(); !reflect.DeepEqual(got, map[string]any{"a": 1, "b": 2}) {
		t.Errorf("Input = %v: the original must survive Set and Delete", got)
	}
	if got := maps.Collect(c.All()); !reflect.DeepEqual(got, map[string]any{"a": 10, "c": 3}) {
		t.Errorf("All = %v", got)
	}
	if other := flow.NewContext(nil); other.ID() == c.ID() {
		t.Error("IDs must be unique")
	}
}

func TestValue(t *testing.T) {
	type point struct{ X, Y int }
	c := flow.NewContext(map[string]any{
		"int": 3, "float": 2.5, "integral": 4.0, "str": "hi", "big": 1e20,
		"obj": map[string]any{"X": 1, "Y": 2}, "arr": []any{1, 2, 3}, "null": nil,
	})
	check := func(name string, got any, err error, want any) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, %v; want %#v", name, got, err, want)
		}
	}
	i, err := flow.Value[int](c, "int")
	check("int", i, err, 3)
	f, err := flow.Value[float64](c, "int")
	check("int as float64", f, err, 3.0)
	i, err = flow.Value[int](c, "integral")
	check("integral float as int", i, err, 4)
	i8, err := flow.Value[int8](c, "int")
	check("int as int8", i8, err, int8(3))
	p, err := flow.Value[point](c, "obj")
	check("object as struct", p, err, point{1, 2})
	m, err := flow.Value[map[string]int](c, "obj")
	check("object as map", m, err, map[string]int{"X": 1, "Y": 2})
	s, err := flow.Value[[]int](c, "arr")
	check("array as slice", s, err, []int{1, 2, 3})
	a, err := flow.Value[any](c, "str")
	check("any", a, err, "hi")
	ptr, err := flow.Value[*point](c, "null")
	check("null as pointer", ptr, err, (*point)(nil))

	errCases := []struct {
		key, want string
		is        error
		fn        func() error
	}{
		{"missing", `missing key "missing" (want int)`, flow.ErrMissingKey, func() error { _, err := flow.Value[int](c, "missing"); return err }},
		{"str", "want int, found string", flow.ErrWrongType, func() error { _, err := flow.Value[int](c, "str"); return err }},
		{"float", "want int, found float64 2.5", flow.ErrWrongType, func() error { _, err := flow.Value[int](c, "float"); return err }},
		{"big", "overflows int32", flow.ErrWrongType, func() error { _, err := flow.Value[int32](c, "big"); return err }},
		{"null", "want int, found null", flow.ErrWrongType, func() error { _, err := flow.Value[int](c, "null"); return err }},
		{"arr", "want flow_test.point", flow.ErrWrongType, func() error { _, err := flow.Value[point](c, "arr"); return err }},
	}
	for _, tc := range errCases {
		err := tc.fn()
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), strconv.Quote(tc.key)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Value(%q) err = %v; want %v naming %q and containing %q", tc.key, err, tc.is, tc.key, tc.want)
		}
	}
}

func TestContextJSON(t *testing.T) {
	m, err := jsonl.Decode([]byte(`{"n": 3, "f": 1.5, "whole": 2.0, "o": {"k": [1, "x", null]}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := flow.NewContext(m)
	want := map[string]any{"n": 3, "f": 1.5, "whole": 2, "o": map[string]any{"k": []any{1, "x", nil}}}
	if got := maps.Collect(c.All()); !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %#v, want %#v", got, want)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"f":1.5,"n":3,"o":{"k":[1,"x",null]},"whole":2}` {
		t.Errorf("encoded %s", out)
	}
}

// FuzzContextJSON: any JSON object that decodes must survive an encode/decode
// round trip unchanged, and nothing may panic.
func FuzzContextJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":{"b":[1,2.5,"x",null,true]}}`, `{"n":-0.0}`, `{"big":123456789012345678901234567890}`, `{"u":"\u00e9\ud83d\ude00"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := jsonl.Decode(data)
		if err != nil {
			return
		}
		c := flow.NewContext(m)
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("encode %v: %v", m, err)
		}
		back, err := jsonl.Decode(out)
		if err != nil {
			t.Fatalf("decode %s: %v", out, err)
		}
		if got := maps.Collect(c.All()); !reflect.DeepEqual(back, got) {
			t.Fatalf("round trip changed %#v into %#v", got, back)
		}
	})
}
