// Package jsonnum is the one rule by which a JSON number becomes a Go
// value, shared by every decoder of the project (package jsonl, the registry's
// parameters and HTTP responses through Normalize):
//
//   - a literal that denotes an integer (1, -0, 1.0, 2.5e1, 1e18) becomes an
//     int when that integer fits in an int, exactly: integrality is read from
//     the decimal text, never from a rounded float64, so 9007199254740993.0
//     is 9007199254740993 and 4503599627370496.5 stays a float64;
//   - every other literal becomes a float64 (1.5, 1e300, 1e-400 as 0);
//   - a literal beyond float64's range (1e400) is an error matching ErrRange.
//
// A float64 whose literal is gone (decoded by encoding/json without
// UseNumber, or a YAML float) converts to int by Float: only when it is
// integral and |f| ≤ 2^53, where each integer is exactly one float64, so a
// conversion never invents digits the producer did not write.
package jsonnum

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrRange is returned for a number beyond float64's range.
var ErrRange = errors.New("number out of range")

// MaxExact is 2^53: every integer of magnitude up to it is exactly one
// float64, and Float converts no float64 beyond it.
const MaxExact = 1 << 53

// Parse converts the JSON number literal lit to an int or a float64, by the
// rule in the package comment. A literal that is not a JSON number is an
// error too (callers pass what a JSON decoder accepted).
func Parse(lit string) (any, error) {
	if strings.IndexAny(lit, ".eE") < 0 {
		if i, err := strconv.ParseInt(lit, 10, 0); err == nil {
			return int(i), nil // the common case: an integer literal that fits
		}
	} else if i, ok := integral(lit); ok {
		return i, nil
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, err
	}
	if math.IsInf(f, 0) {
		return nil, ErrRange
	}
	return f, nil // an underflow is ±0 with ErrRange from strconv: a float
}

// Float returns f as an int when f is integral and |f| ≤ MaxExact.
func Float(f float64) (int, bool) {
	if f == math.Trunc(f) && f >= -MaxExact && f <= MaxExact {
		return int(f), true
	}
	return 0, false
}

// Int returns v as an int when it is a whole number that fits: an int, an
// int64 or uint64 in int's range, or a float64 that Float converts.
func Int(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		if v >= math.MinInt && v <= math.MaxInt {
			return int(v), true
		}
	case uint64:
		if v <= math.MaxInt {
			return int(v), true
		}
	case float64:
		return Float(v)
	}
	return 0, false
}

// integral reads a JSON number literal with a fraction or an exponent and
// returns its value when that is an integer that fits in an int. It
// allocates nothing: the digits are accumulated with overflow checks.
func integral(lit string) (int, bool) {
	i, neg := 0, false
	if i < len(lit) && lit[i] == '-' {
		neg, i = true, i+1
	}
	// The significant digits, with the decimal exponent they need.
	start := i
	for i < len(lit) && isDigit(lit[i]) {
		i++
	}
	intDigits := lit[start:i]
	frac := ""
	if i < len(lit) && lit[i] == '.' {
		i++
		fs := i
		for i < len(lit) && isDigit(lit[i]) {
			i++
		}
		frac = lit[fs:i]
	}
	exp := 0
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		eneg := false
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			eneg, i = lit[i] == '-', i+1
		}
		if i == len(lit) {
			return 0, false
		}
		for ; i < len(lit); i++ {
			if !isDigit(lit[i]) {
				return 0, false
			}
			if exp < 1000 { // beyond, the answer no longer changes
				exp = exp*10 + int(lit[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(lit) || len(intDigits) == 0 {
		return 0, false
	}
	// value = (intDigits frac) × 10^(exp - len(frac)); trailing zeros of the
	// digits move into the exponent.
	scale := exp - len(frac)
	d := len(intDigits) + len(frac)
	at := func(k int) byte { // the k-th significant digit
		if k < len(intDigits) {
			return intDigits[k]
		}
		return frac[k-len(intDigits)]
	}
	for d > 0 && at(d-1) == '0' {
		d--
		scale++
	}
	lead := 0
	for lead < d && at(lead) == '0' {
		lead++
	}
	if lead == d {
		return 0, true // zero, whatever its sign
	}
	if scale < 0 || d-lead+scale > 19 {
		return 0, false // a fraction remains, or too many digits for an int64
	}
	// Accumulate as a negative number: its range includes math.MinInt.
	v := 0
	for k := lead; k < d+scale; k++ {
		c := 0
		if k < d {
			c = int(at(k) - '0')
		}
		if v < (math.MinInt+c)/10 {
			return 0, false
		}
		v = v*10 - c
	}
	if !neg {
		if v == math.MinInt {
			return 0, false
		}
		v = -v
	}
	return v, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// Normalize converts a value decoded with json.Decoder.UseNumber into the
// forms a flow context holds, in place for maps and slices: every
// json.Number by Parse, objects map[string]any and arrays []any.
func Normalize(v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		n, err := Parse(string(v))
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
