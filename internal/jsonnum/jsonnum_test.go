package jsonnum_test

import (
	"errors"
	"math"
	"testing"

	"github.com/serviceflow/serviceflow/internal/jsonnum"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		lit  string
		want any // int, float64, or error
	}{
		{"0", 0},
		{"-0", 0},
		{"-0.0", 0},
		{"0e5", 0},
		{"1", 1},
		{"1.0", 1},
		{"1.50", 1.5},
		{"1.5", 1.5},
		{"2.5e1", 25},
		{"25e-1", 2.5},
		{"1e5", 100000},
		{"1E+2", 100},
		{"100e-2", 1},
		{"0.001e3", 1},
		{"9007199254740992", 1 << 53},     // 2^53
		{"9007199254740993", 1<<53 + 1},   // 2^53+1: exact, not rounded
		{"9007199254740993.0", 1<<53 + 1}, // integrality from the text
		{"4503599627370496.5", 4503599627370496.5}, // rounds to an integer as a float64: stays a float
		{"1e18", 1_000_000_000_000_000_000},
		{"9223372036854775807", math.MaxInt64},
		{"9223372036854775807.0", math.MaxInt64},
		{"-9223372036854775808", math.MinInt64},
		{"-9.223372036854775808e18", math.MinInt64},
		{"9223372036854775808", 9223372036854775808.0}, // 2^63: beyond int
		{"9.223372036854775808e18", 9223372036854775808.0},
		{"-9223372036854775809", -9223372036854775809.0},
		{"1e19", 1e19},
		{"1e300", 1e300},
		{"-1e300", -1e300},
		{"1e-400", 0.0}, // underflow: zero, as a float
		{"1e400", jsonnum.ErrRange},
		{"-1e400", jsonnum.ErrRange},
		{"1e99999999999999999999", jsonnum.ErrRange},
		{"1e-99999999999999999999", 0.0},
	} {
		got, err := jsonnum.Parse(tc.lit)
		if want, ok := tc.want.(error); ok {
			if !errors.Is(err, want) {
				t.Errorf("Parse(%s) = %v, %v; want %v", tc.lit, got, err, want)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%s) = %#v, %v; want %#v", tc.lit, got, err, tc.want)
		}
	}
}

func TestParseNotANumber(t *testing.T) {
	for _, lit := range []string{"", "-", "1e", "1.2.3", "x", "1e+"} {
		if v, err := jsonnum.Parse(lit); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", lit, v)
		}
	}
}

func TestFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want int
		ok   bool
	}{
		{0, 0, true},
		{math.Copysign(0, -1), 0, true},
		{1, 1, true},
		{1.5, 0, false},
		{-3, -3, true},
		{1 << 53, 1 << 53, true},
		{-(1 << 53), -(1 << 53), true},
		{1<<53 + 2, 0, false}, // integral, but may not be what was written
		{1 << 63, 0, false},
		{1e300, 0, false},
		{math.Inf(1), 0, false},
		{math.NaN(), 0, false},
	} {
		got, ok := jsonnum.Float(tc.f)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Float(%v) = %v, %v; want %v, %v", tc.f, got, ok, tc.want, tc.ok)
		}
	}
}

func TestInt(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want int
		ok   bool
	}{
		{3, 3, true},
		{int64(math.MaxInt64), math.MaxInt64, true},
		{uint64(math.MaxInt64), math.MaxInt64, true},
		{uint64(math.MaxInt64) + 1, 0, false},
		{4.0, 4, true},
		{4.5, 0, false},
		{float64(1 << 60), 0, false},
		{"4", 0, false},
		{nil, 0, false},
	} {
		got, ok := jsonnum.Int(tc.v)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Int(%#v) = %v, %v; want %v, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, lit := range []string{"12345", "12.5", "1.0e3"} {
		b.Run(lit, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				_, _ = jsonnum.Parse(lit)
			}
		})
	}
}
