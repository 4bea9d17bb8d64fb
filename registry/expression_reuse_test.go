package registry_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

// Expressions reuse what they evaluate with from one call to the next: an
// input must never see a value of an earlier one, whether the key is
// missing from it (x ?? ...), or only read by a let-variable or a
// predicate's scope.
func TestExprSeesNoEarlierInput(t *testing.T) {
	s := build(t, "expr", map[string]any{"set": map[string]any{
		"got":  `x ?? "none"`,
		"let":  `let y = (x ?? 0) + 1; y`,
		"some": `any(xs ?? [], # > 1)`,
	}})
	f := registry.Builtin()
	filter, err := f.Build("filter", registry.NewParams(map[string]any{"if": `(x ?? 0) == 0`}, registry.FlowInfo{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, in := range []map[string]any{
		{"x": 7, "xs": []any{1, 2}},
		{},
		{"x": 7, "xs": []any{1, 2}},
		{},
	} {
		c := flow.NewContext(in)
		if err := s.Call(ctx, c); err != nil {
			t.Fatal(err)
		}
		err := filter.Call(ctx, c)
		want := map[string]any{"got": "none", "let": 1, "some": false}
		if _, ok := in["x"]; ok {
			want = map[string]any{"got": 7, "let": 8, "some": true}
			if err == nil {
				t.Errorf("input %d: the filter passed an input with x", i)
			}
		} else if err != nil {
			t.Errorf("input %d (no x): the filter stopped it: %v (a value of the input before?)", i, err)
		}
		for k, w := range want {
			if got, _ := c.Get(k); got != w {
				t.Errorf("input %d: %s = %v, want %v", i, k, got, w)
			}
		}
	}
}

// One expr service called by many goroutines at once, as a stage with
// Concurrency(n) does: each input gets its own results (run with -race).
func TestExprConcurrentCalls(t *testing.T) {
	s := build(t, "expr", map[string]any{"set": map[string]any{
		"next":  "v + 1",
		"label": `"n" + string(v) + (tag ?? "")`,
	}})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				v := g*1000 + i
				in := map[string]any{"v": v}
				if i%2 == 0 {
					in["tag"] = "!"
				}
				c := flow.NewContext(in)
				if err := s.Call(context.Background(), c); err != nil {
					errs <- err
					return
				}
				wantLabel := fmt.Sprintf("n%d", v)
				if i%2 == 0 {
					wantLabel += "!"
				}
				next, _ := c.Get("next")
				label, _ := c.Get("label")
				if next != v+1 || label != wantLabel {
					errs <- fmt.Errorf("input v=%d: next=%v label=%v, want %d %s", v, next, label, v+1, wantLabel)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A step whose expressions all read $env (no shared environment) and one
// fails: the input fails, nothing panics.
func TestExprWholeEnvError(t *testing.T) {
	s := build(t, "expr", map[string]any{"set": map[string]any{
		"n":   `len($env)`,
		"bad": `$env.v / $env.zero`,
	}})
	c := flow.NewContext(map[string]any{"v": "a", "zero": 0})
	if err := s.Call(context.Background(), c); err == nil {
		t.Fatalf("no error; values %v", c)
	}
	c = flow.NewContext(map[string]any{"v": 4, "zero": 2})
	if err := s.Call(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Get("n"); n != 2 {
		t.Errorf("n = %v, want 2", n)
	}
}
