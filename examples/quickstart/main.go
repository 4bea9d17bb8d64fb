// Quickstart: the flow API on one input at a time, the way the Python
// service-flow runs its stack(input).
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
)

// Order is what Parse promises and the pricing services expect.
type Order struct {
	Kind     string  `json:"kind"`
	Price    float64 `json:"price"`
	Quantity int     `json:"quantity"`
}

// Line and Parsed name the context keys Parse reads and writes.
type Line struct {
	Line string `flow:"line"`
}

// Parsed is what Parse promises.
type Parsed struct {
	Order Order  `flow:"order"`
	Kind  string `flow:"kind"`
}

// Parse turns a CSV line into an order. It is a Typed service: its input and
// output structs name the context keys it reads and writes.
var Parse = flow.Typed("parse", func(_ context.Context, in Line) (Parsed, error) {
	var o Order
	if _, err := fmt.Sscanf(strings.ReplaceAll(in.Line, ",", " "), "%s %g %d", &o.Kind, &o.Price, &o.Quantity); err != nil {
		return Parsed{}, flow.Stop("unparseable line: " + err.Error())
	}
	return Parsed{Order: o, Kind: o.Kind}, nil
})

// Tax is a struct service: its fields are its configuration.
type Tax struct{ Rate float64 }

// Call adds tax to the total.
func (t Tax) Call(_ context.Context, c *flow.Context) error {
	total, err := flow.Value[float64](c, "total")
	if err != nil {
		return err
	}
	c.Set("total", total*(1+t.Rate))
	return nil
}

func price(perItem float64) flow.Service {
	return flow.Func(fmt.Sprintf("price+%.2f", perItem), func(_ context.Context, c *flow.Context) error {
		o, err := flow.Value[Order](c, "order")
		if err != nil {
			return err
		}
		c.Set("total", (o.Price+perItem)*float64(o.Quantity))
		return nil
	}, flow.Expects("order"), flow.Promises("total"))
}

// Audit is a decorator around the rest of the flow: it records the outcome.
type Audit struct{}

// Before runs before the rest of the flow.
func (Audit) Before(_ context.Context, c *flow.Context) error { return nil }

// After sees how the rest of the flow ended.
func (Audit) After(_ context.Context, c *flow.Context, err error) error {
	if err != nil && !errors.Is(err, flow.ErrStopped) {
		c.Set("audit", "failed: "+err.Error())
		return nil // handled: recorded, not failed
	}
	c.Set("audit", "ok")
	return err
}

func main() {
	orders := flow.New(
		flow.Around(Audit{}),
		Parse,
		flow.Fork("kind", flow.Branches{
			"book":    flow.New(price(0)),
			"digital": flow.New(price(0.5), flow.Stage(Tax{Rate: 0.2}, flow.Name("vat"), flow.Expects("total"))),
		}),
	).Named("orders")

	if err := orders.Validate("line"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, line := range []string{"book,12.50,2", "digital,3,1", "vinyl,20,1", "nonsense"} {
		c, err := orders.Run(context.Background(), map[string]any{"line": line})
		total, _ := c.Get("total")
		audit, _ := c.Get("audit")
		fmt.Printf("%-14s total=%-6v audit=%-50q err=%v\n", line, total, audit, err)
	}
}
