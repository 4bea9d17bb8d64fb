package flow

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"
)

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
