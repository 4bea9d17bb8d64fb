package flow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/serviceflow/serviceflow/internal/jsonnum"
)

// DecodeJSON decodes one JSON object into the values a Context holds: integral
// numbers that fit become int, other numbers float64, objects map[string]any,
// arrays []any. Anything but a single object is an error.
func DecodeJSON(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode context: %w", err)
	}
	if m == nil {
		return nil, errors.New("decode context: not a JSON object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("decode context: data after the JSON object")
	}
	for k, v := range m {
		nv, err := Normalize(v)
		if err != nil {
			return nil, fmt.Errorf("decode context: key %q: %w", k, err)
		}
		m[k] = nv
	}
	return m, nil
}

// Normalize converts a value decoded with json.Decoder.UseNumber into the
// forms a Context holds (see DecodeJSON), in place for maps and slices.
func Normalize(v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		n, err := jsonnum.Parse(string(v)) // the one rule for JSON numbers
		if err != nil {
			return nil, fmt.Errorf("number %s out of range", v)
		}
		return n, nil
	case map[string]any:
		for k, e := range v {
			ne, err := Normalize(e)
			if err != nil {
				return nil, err
			}
			v[k] = ne
		}
	case []any:
		for i, e := range v {
			ne, err := Normalize(e)
			if err != nil {
				return nil, err
			}
			v[i] = ne
		}
	}
	return v, nil
}

// assign stores v into dst, converting the way a JSON decoder would.
func assign(dst reflect.Value, key string, v any) error {
	t := dst.Type()
	if v == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
			dst.SetZero()
			return nil
		}
		return wrongType(key, typeName(t), "null", nil, nil)
	}
	rv := reflect.ValueOf(v)
	if rv.Type().AssignableTo(t) {
		dst.Set(rv)
		return nil
	}
	fail := func(err error) error {
		return wrongType(key, typeName(t), typeName(rv.Type()), v, err)
	}
	if isNumber(rv.Kind()) && isNumber(t.Kind()) {
		if err := convertNumber(dst, rv); err != nil {
			return fail(err)
		}
		return nil
	}
	switch rv.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct:
		switch t.Kind() {
		case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct, reflect.Pointer:
			// Composite values (typically decoded JSON) take the slow path:
			// through JSON, so they bind exactly as a JSON decoder binds them.
			data, err := json.Marshal(v)
			if err != nil {
				return fail(err)
			}
			p := reflect.New(t)
			if err := json.Unmarshal(data, p.Interface()); err != nil {
				return fail(err)
			}
			dst.Set(p.Elem())
			return nil
		}
	}
	if rv.Type().ConvertibleTo(t) && rv.Kind() == t.Kind() {
		dst.Set(rv.Convert(t)) // named types over the same kind, e.g. type Kind string
		return nil
	}
	return fail(nil)
}

func isNumber(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Float64
}

func convertNumber(dst, src reflect.Value) error {
	var f float64
	switch {
	case src.CanInt():
		i := src.Int()
		switch {
		case dst.CanInt():
			if dst.OverflowInt(i) {
				return fmt.Errorf("%d overflows %s", i, dst.Type())
			}
			dst.SetInt(i)
			return nil
		case dst.CanUint():
			if i < 0 || dst.OverflowUint(uint64(i)) {
				return fmt.Errorf("%d overflows %s", i, dst.Type())
			}
			dst.SetUint(uint64(i))
			return nil
		}
		f = float64(i)
	case src.CanUint():
		u := src.Uint()
		switch {
		case dst.CanUint():
			if dst.OverflowUint(u) {
				return fmt.Errorf("%d overflows %s", u, dst.Type())
			}
			dst.SetUint(u)
			return nil
		case dst.CanInt():
			if u > math.MaxInt64 || dst.OverflowInt(int64(u)) {
				return fmt.Errorf("%d overflows %s", u, dst.Type())
			}
			dst.SetInt(int64(u))
			return nil
		}
		f = float64(u)
	default:
		f = src.Float()
	}
	switch {
	case dst.CanFloat():
		if dst.OverflowFloat(f) {
			return fmt.Errorf("%g overflows %s", f, dst.Type())
		}
		dst.SetFloat(f)
	case f != math.Trunc(f):
		return fmt.Errorf("%g is not integral", f)
	case dst.CanInt():
		if f < math.MinInt64 || f >= math.MaxInt64 || dst.OverflowInt(int64(f)) {
			return fmt.Errorf("%g overflows %s", f, dst.Type())
		}
		dst.SetInt(int64(f))
	case dst.CanUint():
		if f < 0 || f >= math.MaxUint64 || dst.OverflowUint(uint64(f)) {
			return fmt.Errorf("%g overflows %s", f, dst.Type())
		}
		dst.SetUint(uint64(f))
	}
	return nil
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "nil"
	}
	return t.String()
}

// preview is a short, printable rendering of a value for error messages.
func preview(v any) string {
	var s string
	switch v := v.(type) {
	case string:
		s = strconv.Quote(v)
	default:
		s = fmt.Sprintf("%v", v)
		s = strconv.QuoteToASCII(s)
		s = s[1 : len(s)-1]
	}
	const max = 60
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
