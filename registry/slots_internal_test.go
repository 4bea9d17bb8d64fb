package registry

import (
	"slices"
	"testing"
)

// Only programs that read their environment by OpLoadFast are given slots;
// one using $env keeps a map of all the values.
func TestSlottable(t *testing.T) {
	for src, want := range map[string]bool{
		`v + w`:          true,
		`let x = v; x`:   true,
		`len($env)`:      false,
		`$env.v + w`:     false,
		`"k" in $env`:    false,
		`any(xs, # > v)`: true,
	} {
		e, err := compileExpr("set", "k", src, FlowInfo{}, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := slottable(e.prog); got != want {
			t.Errorf("slottable(%s) = %v, want %v", src, got, want)
		}
	}
	e, err := compileExpr("set", "k", `let a = w; let b = v; a + b + v`, FlowInfo{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := variables(e.prog); got != 2 {
		t.Errorf("variables = %d, want 2", got)
	}
	if got := envReads(e.prog); !slices.Equal(got, []string{"w", "v", "v"}) {
		t.Errorf("envReads = %v, want [w v v]", got)
	}
}
