package snapshot

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// marshal writes v, a value of one of this package's types, in the schema's
// form, keys in the order of the Go fields: every time.Duration as its
// string, every nil list as [], a nil map as {}, a nil pointer left out. It
// walks the types by reflection, so a field added later follows the rules
// without code of its own (the MarshalJSON methods of the fields' own types
// are not consulted: a new type needs no encoding code, only the decoding
// side of json.go when it holds a duration).
func marshal(v any) ([]byte, error) { return appendValue(make([]byte, 0, 1024), reflect.ValueOf(v)) }

var (
	durationType = reflect.TypeFor[time.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
)

func appendValue(b []byte, v reflect.Value) ([]byte, error) {
	switch {
	case v.Type() == durationType:
		return appendString(b, time.Duration(v.Int()).String())
	case v.Type() == timeType:
		return appendLeaf(b, v.Interface())
	}
	switch v.Kind() {
	case reflect.Struct:
		return appendStruct(b, v)
	case reflect.Slice:
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, v.Index(i)); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case reflect.Map:
		if v.IsNil() {
			return append(b, "{}"...), nil
		}
	case reflect.Pointer:
		return appendValue(b, v.Elem()) // nil pointers are left out by appendStruct
	case reflect.String:
		return appendString(b, v.String())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), nil
	}
	return appendLeaf(b, v.Interface())
}

// appendString appends s as a JSON string: directly when it is plain ASCII
// that needs no escape, else as encoding/json escapes it.
func appendString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendLeaf(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

func appendStruct(b []byte, v reflect.Value) ([]byte, error) {
	b = append(b, '{')
	first := true
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer && fv.IsNil() {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		var err error
		if b, err = appendString(b, name); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if b, err = appendValue(b, fv); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendLeaf appends v as encoding/json writes it.
func appendLeaf(b []byte, v any) ([]byte, error) {
	js, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, js...), nil
}
