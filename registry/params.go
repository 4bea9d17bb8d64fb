package registry

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/serviceflow/serviceflow/internal/jsonnum"
)

// Params are the parameters of one service or decorator: a flow file step's
// "with:" mapping. Values are what a YAML or JSON decoder produces: string,
// int, float64, bool, nil, []any and map[string]any.
//
// The typed getters return the zero value and a nil error for an absent
// parameter (Spec.Params marks required ones and gives defaults, which the
// registry applies before Build), and a *ParamError saying what was wanted
// and what was found for a value of the wrong type.
type Params struct {
	values map[string]any
	info   FlowInfo
}

// FlowInfo is what the builder of a flow knows about the flow a service is
// built for. Services use it to check themselves early; its zero value means
// nothing is known.
type FlowInfo struct {
	// KeyTypes holds an example value for each context key whose type is
	// known (a flow file's typed inputs): 0 for int, 0.0 for float, "" for
	// string, false for bool, map[string]any{}, []any{}. Expressions are
	// type-checked against them.
	KeyTypes map[string]any
	// RetryAttempts is the flow's retry policy's attempts in all (0 when
	// unknown: the flow default).
	RetryAttempts int
}

// NewParams returns parameters with the given values (not copied; do not
// change them afterwards) and flow information.
func NewParams(values map[string]any, info FlowInfo) Params {
	return Params{values: values, info: info}
}

// Flow returns what is known about the flow being built.
func (p Params) Flow() FlowInfo { return p.info }

// Has reports whether the parameter is set.
func (p Params) Has(name string) bool {
	_, ok := p.values[name]
	return ok
}

// Names returns the names of the parameters set, sorted.
func (p Params) Names() []string { return slices.Sorted(maps.Keys(p.values)) }

// Any returns the parameter's raw value, nil when absent.
func (p Params) Any(name string) any { return p.values[name] }

// ParamError is a problem with one parameter. Key names an entry of a map
// parameter (the "total" of set: {total: ...}); Line and Column, when
// positive, locate the problem inside the parameter's text (an expression's
// syntax error), counting from 1.
type ParamError struct {
	Param   string
	Key     string
	Line    int
	Column  int
	Missing bool // the parameter is required and absent
	Err     error
}

func (e *ParamError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "parameter %q", e.Param)
	if e.Key != "" {
		fmt.Fprintf(&b, ", key %q", e.Key)
	}
	if e.Column > 0 {
		fmt.Fprintf(&b, ", column %d", e.Column)
		if e.Line > 1 {
			fmt.Fprintf(&b, " of line %d", e.Line)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParamError) Unwrap() error { return e.Err }

func (p Params) wrongType(name, want string) error {
	return &ParamError{Param: name, Err: fmt.Errorf("want %s, found %s", want, describe(p.values[name]))}
}

// describe names a decoded value's kind and shows a preview, for errors.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		s := v
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return fmt.Sprintf("string %q", s)
	case int, int64, uint64:
		return fmt.Sprintf("integer %v", v)
	case float64:
		return fmt.Sprintf("number %v", v)
	case bool:
		return fmt.Sprintf("boolean %v", v)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return reflect.TypeOf(v).String()
}

// String returns a string parameter.
func (p Params) String(name string) (string, error) {
	v, ok := p.values[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", p.wrongType(name, "a string")
	}
	return s, nil
}

// Duration returns a duration parameter, written as a Go duration string
// ("150ms", "1m30s"); the number 0 is accepted too. Negative durations are
// errors.
func (p Params) Duration(name string) (time.Duration, error) {
	v, ok := p.values[name]
	if !ok {
		return 0, nil
	}
	var d time.Duration
	switch v := v.(type) {
	case string:
		var err error
		if d, err = time.ParseDuration(strings.TrimSpace(v)); err != nil {
			return 0, &ParamError{Param: name, Err: fmt.Errorf("want a duration like \"150ms\" or \"2s\", found %q", v)}
		}
	case time.Duration:
		d = v
	case int:
		if v != 0 {
			return 0, &ParamError{Param: name, Err: fmt.Errorf("want a duration with a unit, like \"%dms\" or \"%ds\", found the number %d", v, v, v)}
		}
	default:
		return 0, p.wrongType(name, "a duration like \"150ms\"")
	}
	if d < 0 {
		return 0, &ParamError{Param: name, Err: fmt.Errorf("want a positive duration, found %v", d)}
	}
	return d, nil
}

// Int returns an integer parameter; an integral float up to 2^53 is
// accepted (the project's one rule for numbers, package internal/jsonnum).
func (p Params) Int(name string) (int, error) {
	v, ok := p.values[name]
	if !ok {
		return 0, nil
	}
	if i, ok := jsonnum.Int(v); ok {
		return i, nil
	}
	return 0, p.wrongType(name, "an integer")
}

// Float returns a number parameter; integers are accepted.
func (p Params) Float(name string) (float64, error) {
	v, ok := p.values[name]
	if !ok {
		return 0, nil
	}
	switch v := v.(type) {
	case float64:
		return v, nil
	case int:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	}
	return 0, p.wrongType(name, "a number")
}

// Bool returns a boolean parameter.
func (p Params) Bool(name string) (bool, error) {
	v, ok := p.values[name]
	if !ok {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, p.wrongType(name, "true or false")
	}
	return b, nil
}

// Map returns a mapping parameter. The map is the parameter's own: copy it
// before changing it.
func (p Params) Map(name string) (map[string]any, error) {
	v, ok := p.values[name]
	if !ok || v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, p.wrongType(name, "a mapping")
	}
	return m, nil
}

// StringMap returns a mapping parameter whose values are strings; numbers
// and booleans are converted with their usual text form.
func (p Params) StringMap(name string) (map[string]string, error) {
	m, err := p.Map(name)
	if err != nil || m == nil {
		return nil, err
	}
	out := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch v := m[k].(type) {
		case string:
			out[k] = v
		case int, int64, uint64, float64, bool:
			out[k] = fmt.Sprint(v)
		default:
			return nil, &ParamError{Param: name, Key: k, Err: fmt.Errorf("want a string, found %s", describe(v))}
		}
	}
	return out, nil
}

// Strings returns a list-of-strings parameter; a single string is accepted
// as a list of one.
func (p Params) Strings(name string) ([]string, error) {
	v, ok := p.values[name]
	if !ok || v == nil {
		return nil, nil
	}
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []string:
		return v, nil
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, &ParamError{Param: name, Err: fmt.Errorf("item %d: want a string, found %s", i+1, describe(e))}
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, p.wrongType(name, "a list of strings")
}
