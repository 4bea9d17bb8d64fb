package registry_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

// A step's expressions read the input's values from slots they share, above
// the let-variables of each: expressions with different numbers of
// let-variables, keys read inside predicates and member accesses, a key
// absent from the input, typed and untyped.
func TestExprSlots(t *testing.T) {
	set := map[string]any{
		"a":    `let x = v * 2; let y = x + 1; y + w`,
		"b":    `let z = w; v + z`,
		"c":    `any(xs, # > v) ? m.k : "none"`,
		"d":    `(missing ?? 40) + v`,
		"e":    `v + 1`,
		"same": `v`,
	}
	in := map[string]any{"v": 3, "w": 10, "xs": []any{1, 5}, "m": map[string]any{"k": "yes"}}
	want := map[string]any{"a": 17, "b": 13, "c": "yes", "d": 43, "e": 4, "same": 3}
	for _, info := range []registry.FlowInfo{{}, {KeyTypes: map[string]any{"v": 0, "w": 0}}} {
		s, err := registry.Builtin().Build("expr", registry.NewParams(map[string]any{"set": set}, info))
		if err != nil {
			t.Fatal(err)
		}
		for round := range 3 { // reused evaluators
			c := flow.NewContext(in)
			if err := s.Call(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			for k, w := range want {
				if got, _ := c.Get(k); got != w {
					t.Errorf("typed %v, round %d: %s = %v, want %v", info.KeyTypes != nil, round, k, got, w)
				}
			}
		}
	}
}

// A step of expressions that need no VM for numbers: an input with another
// value goes to the VM, whose error names the expression, and sets nothing.
func TestExprFastStepFallsBack(t *testing.T) {
	s := build(t, "expr", map[string]any{"set": map[string]any{"x": "a + 1", "y": "b * 2", "z": 5}})
	c := flow.NewContext(map[string]any{"a": 1, "b": 2.5})
	if err := s.Call(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"x": 2, "y": 5.0, "z": 5} {
		if got, _ := c.Get(k); got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	c = flow.NewContext(map[string]any{"a": "1", "b": 2})
	got, want := fmt.Sprint(s.Call(context.Background(), c)), `expression "a + 1": invalid operation: string + int`
	if got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	if _, set := c.Get("y"); set {
		t.Error("y set by a failed step")
	}
	c = flow.NewContext(map[string]any{"a": "1", "b": "2"})
	if err := s.Call(context.Background(), c); err == nil {
		t.Error("no error for a string times 2")
	}
}
