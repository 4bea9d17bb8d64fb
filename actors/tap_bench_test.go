package actors_test

import (
	"context"
	"testing"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// BenchmarkTap: one op is one input through a 3-stage flow of trivial
// services, with no tap open (the cost every flow pays: one atomic load a
// call) and with a tap open on the middle stage (sampling at most 20 calls
// a second, so most calls only read the clock):
//
//	go test ./actors -run '^$' -bench Tap -benchmem -count 5
func BenchmarkTap(b *testing.B) {
	for _, open := range []bool{false, true} {
		name := "no-tap"
		if open {
			name = "tap-open"
		}
		b.Run(name, func(b *testing.B) {
			noop := func(context.Context, *flow.Context) error { return nil }
			f := flow.New(flow.Func("a", noop), flow.Func("b", func(_ context.Context, c *flow.Context) error {
				c.Set("seen", true)
				return nil
			}), flow.Func("c", noop))
			rt, err := actors.Start(context.Background(), f)
			if err != nil {
				b.Fatal(err)
			}
			defer rt.Drain(context.Background())
			if open {
				if _, err := rt.Tap(context.Background(), "b", 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			go func() {
				for range b.N {
					if err := rt.Submit(context.Background(), map[string]any{"n": 1}); err != nil {
						return
					}
				}
			}()
			for range b.N {
				<-rt.Results()
			}
		})
	}
}
