package registry_test

import (
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/registry"
)

func TestParams(t *testing.T) {
	p := registry.NewParams(map[string]any{
		"s": "x", "d": "150ms", "i": 3, "f": 2.5, "fi": 4.0, "b": true,
		"m": map[string]any{"a": 1}, "sm": map[string]any{"h": "v", "n": 2},
		"l": []any{"a", "b"}, "bad": []any{1},
	}, registry.FlowInfo{})
	if s, err := p.String("s"); s != "x" || err != nil {
		t.Errorf("String = %q, %v", s, err)
	}
	if d, err := p.Duration("d"); d != 150*time.Millisecond || err != nil {
		t.Errorf("Duration = %v, %v", d, err)
	}
	if i, err := p.Int("fi"); i != 4 || err != nil {
		t.Errorf("Int(4.0) = %v, %v", i, err)
	}
	if f, err := p.Float("i"); f != 3 || err != nil {
		t.Errorf("Float(3) = %v, %v", f, err)
	}
	if b, err := p.Bool("b"); !b || err != nil {
		t.Errorf("Bool = %v, %v", b, err)
	}
	if m, err := p.StringMap("sm"); m["n"] != "2" || err != nil {
		t.Errorf("StringMap = %v, %v", m, err)
	}
	if l, err := p.Strings("l"); len(l) != 2 || err != nil {
		t.Errorf("Strings = %v, %v", l, err)
	}
	if v, err := p.String("absent"); v != "" || err != nil {
		t.Errorf("absent String = %q, %v", v, err)
	}

	for _, tc := range []struct {
		name string
		get  func() error
		want string
	}{
		{"string", func() error { _, err := p.String("i"); return err }, `parameter "i": want a string, found integer 3`},
		{"duration", func() error { _, err := p.Duration("s"); return err }, `want a duration like "150ms" or "2s", found "x"`},
		{"int", func() error { _, err := p.Int("f"); return err }, `want an integer, found number 2.5`},
		{"float", func() error { _, err := p.Float("s"); return err }, `want a number, found string "x"`},
		{"bool", func() error { _, err := p.Bool("s"); return err }, `want true or false`},
		{"map", func() error { _, err := p.Map("l"); return err }, `want a mapping, found a list`},
		{"strings", func() error { _, err := p.Strings("bad"); return err }, `item 1: want a string, found integer 1`},
		{"stringmap", func() error { _, err := p.StringMap("m"); return err }, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.get()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantContains(t, err, tc.want)
		})
	}
}

// TestParamsIntRule checks that Int follows the project's one rule for
// numbers (internal/jsonnum): floats convert only when integral and within
// 2^53, where they are exactly the integer written.
func TestParamsIntRule(t *testing.T) {
	for _, tc := range []struct {
		v  any
		ok bool
	}{
		{float64(1 << 53), true},
		{float64(1<<53 + 2), false},
		{1e18, false},
		{-0.0, true},
		{1.5, false},
		{uint64(1 << 63), false},
	} {
		_, err := registry.NewParams(map[string]any{"n": tc.v}, registry.FlowInfo{}).Int("n")
		if (err == nil) != tc.ok {
			t.Errorf("Int(%v): err = %v, want ok %v", tc.v, err, tc.ok)
		}
	}
}
