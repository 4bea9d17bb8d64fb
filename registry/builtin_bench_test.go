package registry_test

import (
	"context"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

// Per-call cost of the built-ins on the hot path: go test ./registry
// -run '^$' -bench Builtin -benchmem. "typed" steps are built with the key
// types a flow file's input declaration gives; the expr steps are those of
// flowrun bench --e2e (v = v + 1, s1 = v + 1); with v ≥ 256, as in most of
// that run's lines, each int result is boxed (Go boxes smaller ones free).
func BenchmarkBuiltin(b *testing.B) {
	typed := registry.FlowInfo{KeyTypes: map[string]any{"v": 0, "price": 0.0, "qty": 0}}
	cases := []struct {
		name    string
		service string
		with    map[string]any
		info    registry.FlowInfo
		v       int // the input's v
	}{
		{"expr/e2e-step/typed", "expr", map[string]any{"set": map[string]any{"v": "v + 1", "s1": "v + 1"}}, typed, 1},
		{"expr/e2e-step/typed-v1000", "expr", map[string]any{"set": map[string]any{"v": "v + 1", "s1": "v + 1"}}, typed, 1000},
		{"expr/e2e-step/untyped", "expr", map[string]any{"set": map[string]any{"v": "v + 1", "s1": "v + 1"}}, registry.FlowInfo{}, 1},
		{"expr/one/typed", "expr", map[string]any{"set": map[string]any{"total": "price * qty"}}, typed, 1},
		{"filter/typed", "filter", map[string]any{"if": "qty > 0 && price >= 0"}, typed, 1},
		{"rename", "rename", map[string]any{"keys": map[string]any{"qty": "n", "n": "qty"}}, registry.FlowInfo{}, 1},
		{"set", "set", map[string]any{"values": map[string]any{"w": 1, "kind": "book"}}, registry.FlowInfo{}, 1},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			s, err := registry.Builtin().Build(tc.service, registry.NewParams(tc.with, tc.info))
			if err != nil {
				b.Fatal(err)
			}
			c := flow.NewContext(map[string]any{"v": 1, "price": 2.5, "qty": 3, "n": 0})
			ctx := context.Background()
			v := any(tc.v) // boxed once, not per call
			b.ReportAllocs()
			for b.Loop() {
				c.Set("v", v)
				if err := s.Call(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("around(timer)", func(b *testing.B) {
		d, err := registry.Builtin().BuildDecorator("timer", registry.NewParams(map[string]any{}, registry.FlowInfo{}))
		if err != nil {
			b.Fatal(err)
		}
		c := flow.NewContext(map[string]any{"v": 1})
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if err := d.Before(ctx, c); err != nil {
				b.Fatal(err)
			}
			if err := d.After(ctx, c, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
