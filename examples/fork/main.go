// Fork: route each input on a context value to a branch flow, the seed's
// < ('kind', {...}), and continue after the fork with the steps that
// follow it. The flow runs on the actor runtime over a small stream: every
// service an actor, each branch its own pipeline of actors.
//
//	go run ./examples/fork
package main

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// shipping sets a fixed shipping cost.
func shipping(cost float64) flow.Service {
	return flow.Func(fmt.Sprintf("shipping=%g", cost), func(_ context.Context, c *flow.Context) error {
		c.Set("shipping", cost)
		return nil
	}, flow.Expects(), flow.Promises("shipping"))
}

// total runs after the fork, whichever branch the input took.
var total = flow.Typed("total", func(_ context.Context, in struct {
	Price    float64 `flow:"price"`
	Shipping float64 `flow:"shipping"`
}) (out struct {
	Total float64 `flow:"total"`
}, err error) {
	out.Total = in.Price + in.Shipping
	return out, nil
})

// orders forks on "kind": books ship for 2, digital goods for free,
// anything else takes the Default branch.
func orders() *flow.Flow {
	return flow.New(
		flow.Fork("kind", flow.Branches{
			"book":    flow.New(shipping(2)),
			"digital": flow.New(shipping(0)),
		}, flow.Default(flow.New(shipping(9)))),
		total,
	).Named("orders")
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	f := orders()
	if err := f.Validate("kind", "price"); err != nil {
		return err
	}
	rt, err := actors.Start(ctx, f)
	if err != nil {
		return err
	}
	inputs := []map[string]any{
		{"order": 1, "kind": "book", "price": 10.0},
		{"order": 2, "kind": "digital", "price": 5.0},
		{"order": 3, "kind": "vinyl", "price": 20.0},
	}
	// Submit and Drain in the background; read every result here.
	go func() {
		for _, in := range inputs {
			rt.Submit(ctx, in)
		}
		rt.Drain(ctx)
	}()
	var lines []string
	for res := range rt.Results() {
		c := res.Context
		order, _ := c.Get("order")
		kind, _ := c.Get("kind")
		t, _ := c.Get("total")
		lines = append(lines, fmt.Sprintf("order %v  %-8v total=%v  %v", order, kind, t, res.Status))
	}
	slices.Sort(lines) // results arrive as inputs finish, not in input order
	for _, l := range lines {
		fmt.Println(l)
	}
	return rt.Err()
}
