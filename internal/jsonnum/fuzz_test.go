package jsonnum_test

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"

	"github.com/serviceflow/serviceflow/internal/jsonnum"
)

// FuzzParse checks Parse against exact rational arithmetic: a literal
// becomes an int exactly when its value is an integer that fits, and then
// that integer; otherwise the float64 strconv gives.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "-0", "1.0", "2.5e1", "9007199254740993.0", "4503599627370496.5",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e300", "1e-400", "1e400", "0.001e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lit string) {
		if !json.Valid([]byte(lit)) || len(lit) > 400 {
			return
		}
		var n json.Number
		if json.Unmarshal([]byte(lit), &n) != nil || string(n) != lit {
			return // not a number literal alone
		}
		exact, ok := new(big.Rat).SetString(lit)
		if !ok {
			return // an exponent beyond what big.Rat reads (> 10^6)
		}
		got, err := jsonnum.Parse(lit)
		wantInt := exact.IsInt() && exact.Num().IsInt64() && exact.Num().Int64() >= math.MinInt && exact.Num().Int64() <= math.MaxInt
		switch v := got.(type) {
		case int:
			if !wantInt || int64(v) != exact.Num().Int64() {
				t.Fatalf("Parse(%s) = int %d; exact value %s", lit, v, exact.RatString())
			}
		case float64:
			if wantInt {
				t.Fatalf("Parse(%s) = float64 %v; want int %s", lit, v, exact.RatString())
			}
		default:
			if err == nil {
				t.Fatalf("Parse(%s) = %#v, nil", lit, got)
			}
			if wantInt {
				t.Fatalf("Parse(%s): %v; want int %s", lit, err, exact.RatString())
			}
		}
	})
}
