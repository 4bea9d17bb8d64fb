package flowfile

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// InputError is an input whose value does not have the type its flow file
// declares in input:. Its text is safe to print: the value is quoted and
// cut short.
type InputError struct {
	Key      string
	Declared string // the type in input: (int, float, ...)
	Found    string // what the input holds, e.g. `string "slow"`, "null"
}

func (e *InputError) Error() string {
	return fmt.Sprintf("input %q is declared %s, found %s", e.Key, e.Declared, e.Found)
}

// CheckInput checks an input's values against the types declared in a
// mapping input: (a list of keys declares no types and is not checked)
// and returns an *InputError for the first declared key, in the file's
// order, that holds another type (a missing key is not a type error: the
// steps that need it say so). Values decoded from JSON
// are expected: an int is accepted for float and number and converted, in
// place, to float64, so a key holds at run time the type its expressions
// were checked against; "any" accepts every value, null included. Keys
// that are not declared are left alone.
func (f *File) CheckInput(values map[string]any) error {
	for _, k := range f.Inputs {
		want, typed := f.InputTypes[k]
		if !typed {
			continue
		}
		v, ok := values[k]
		if !ok {
			continue
		}
		if holds(want, v) {
			if i, isInt := v.(int); isInt && (want == "float" || want == "number") {
				values[k] = float64(i)
			}
			continue
		}
		return &InputError{Key: k, Declared: want, Found: found(v)}
	}
	return nil
}

// holds reports whether v, as decoded from JSON, has the declared type.
func holds(want string, v any) bool {
	switch want {
	case "any":
		return true
	case "string":
		_, ok := v.(string)
		return ok
	case "int":
		_, ok := v.(int)
		return ok
	case "float", "number":
		switch v.(type) {
		case int, float64:
			return true
		}
	case "bool":
		_, ok := v.(bool)
		return ok
	case "map":
		_, ok := v.(map[string]any)
		return ok
	case "list":
		_, ok := v.([]any)
		return ok
	}
	return false
}

// found names a decoded value's kind with a short, quoted preview.
func found(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		s := v
		if len(s) > 40 {
			cut := 40
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			s = s[:cut] + "…"
		}
		return "string " + strconv.QuoteToGraphic(s)
	case int:
		return "integer " + strconv.Itoa(v)
	case float64:
		return "number " + strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return "boolean " + strconv.FormatBool(v)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a %T", v)
}
