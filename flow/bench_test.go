package flow_test

import (
	"context"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
)

// The benchmark: one input through 5 stages, each reading v and
// writing v+1. "handwritten" is the reference: a loop over the same steps on
// the same Context, with no flow machinery.
func BenchmarkRun(b *testing.B) {
	inc := func(_ context.Context, c *flow.Context) error {
		v, _ := c.Get("v")
		c.Set("v", v.(int)+1)
		return nil
	}
	type io struct {
		V int `flow:"v"`
	}
	typedInc := func(_ context.Context, in io) (io, error) { return io{V: in.V + 1}, nil }

	funcs := make([]flow.Service, 5)
	typed := make([]flow.Service, 5)
	for i := range funcs {
		name := string(rune('a' + i))
		funcs[i] = flow.Func(name, inc)
		typed[i] = flow.Typed(name, typedInc)
	}
	ctx := context.Background()
	input := map[string]any{"v": 0}

	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := flow.NewContext(input)
			for _, s := range funcs {
				if err := s.Call(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	for _, bc := range []struct {
		name  string
		steps []flow.Service
	}{{"func", funcs}, {"typed", typed}} {
		f := flow.New(bc.steps...)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c, err := f.Run(ctx, input)
				if err != nil {
					b.Fatal(err)
				}
				if v, _ := c.Get("v"); v != 5 {
					b.Fatalf("v = %v", v)
				}
			}
		})
	}
}
