package cli

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
	"github.com/serviceflow/serviceflow/supervisor"
)

// demoFlow is the demo's order pipeline. It shows every feature moving:
// a decorator (timer) around the whole flow, a filter that Stops invalid
// orders, a pool of 2 pricers, a fork by kind with a default branch,
// a payment gateway that asks for Retries, and a warehouse that goes Fatal
// (and now and then panics), so its supervisor restarts it.
func demoFlow(reg *registry.Registry) (*flow.Flow, error) {
	build := func(name string, with map[string]any) (flow.Service, error) {
		s, err := reg.Build(name, registry.NewParams(with, registry.FlowInfo{}))
		if err != nil {
			return nil, fmt.Errorf("demo: build %s: %w", name, err)
		}
		return s, nil
	}
	timer, err := reg.BuildDecorator("timer", registry.NewParams(map[string]any{"key": "elapsed_ms"}, registry.FlowInfo{}))
	if err != nil {
		return nil, fmt.Errorf("demo: build timer: %w", err)
	}
	valid, err := build("filter", map[string]any{"if": "qty > 0 && price > 0", "reason": "invalid order"})
	if err != nil {
		return nil, err
	}
	payment, err := build("chaos", map[string]any{"retry": 0.04, "seed": 1})
	if err != nil {
		return nil, err
	}
	warehouse, err := build("chaos", map[string]any{"fatal": 0.002, "panic": 0.0005, "seed": 2})
	if err != nil {
		return nil, err
	}
	f := flow.New(
		flow.Around(timer),
		flow.Stage(valid, flow.Name("validate")),
		flow.Stage(demoPrice, flow.Concurrency(2)),
		flow.Fork("kind", flow.Branches{
			"book":    flow.New(demoDiscount(0.05)),
			"digital": flow.New(demoVAT(0.2), demoLicense),
			"grocery": flow.New(demoColdChain),
		}, flow.Default(flow.New(demoReview))),
		flow.Stage(payment, flow.Name("payment")),
		flow.Stage(warehouse, flow.Name("warehouse")),
		demoShip,
	).Named("orders")
	return f, nil
}

// demoSupervision gives the demo's warehouse room to crash: at most 200
// restarts within 10 s before the flow fails, each after a short backoff
// (the default grows to 1 s, which at thousands of orders a second would
// show little but a stalled warehouse).
var demoSupervision = supervisor.Spec{
	MaxRestarts: 200,
	Within:      10 * time.Second,
	Backoff:     backoff.Exponential{Initial: time.Millisecond, Max: 20 * time.Millisecond},
}

// demoPrice computes the subtotal.
var demoPrice = flow.Typed("price", func(_ context.Context, in struct {
	Qty   int     `flow:"qty"`
	Price float64 `flow:"price"`
}) (out struct {
	Subtotal float64 `flow:"subtotal"`
}, err error) {
	out.Subtotal = round2(float64(in.Qty) * in.Price)
	return out, nil
})

func demoDiscount(rate float64) flow.Service {
	return flow.Typed("discount", func(_ context.Context, in struct {
		Subtotal float64 `flow:"subtotal"`
	}) (out struct {
		Total float64 `flow:"total"`
	}, err error) {
		out.Total = round2(in.Subtotal * (1 - rate))
		return out, nil
	})
}

func demoVAT(rate float64) flow.Service {
	return flow.Typed("vat", func(_ context.Context, in struct {
		Subtotal float64 `flow:"subtotal"`
	}) (out struct {
		Total float64 `flow:"total"`
		VAT   float64 `flow:"vat"`
	}, err error) {
		out.VAT = round2(in.Subtotal * rate)
		out.Total = round2(in.Subtotal + out.VAT)
		return out, nil
	})
}

var demoLicense = flow.Typed("license", func(_ context.Context, in struct {
	ID string `flow:"id"`
}) (out struct {
	License string `flow:"license"`
}, err error) {
	out.License = "LIC-" + in.ID
	return out, nil
})

var demoColdChain = flow.Typed("cold-chain", func(_ context.Context, in struct {
	Subtotal float64 `flow:"subtotal"`
}) (out struct {
	Total float64 `flow:"total"`
	Cold  bool    `flow:"cold"`
}, err error) {
	out.Total, out.Cold = round2(in.Subtotal+4.5), true
	return out, nil
})

var demoReview = flow.Typed("manual-review", func(_ context.Context, in struct {
	Subtotal float64 `flow:"subtotal"`
}) (out struct {
	Total  float64 `flow:"total"`
	Review bool    `flow:"review"`
}, err error) {
	out.Total, out.Review = in.Subtotal, true
	return out, nil
})

var demoShip = flow.Typed("ship", func(_ context.Context, in struct {
	ID string `flow:"id"`
}) (out struct {
	Status string `flow:"status"`
}, err error) {
	out.Status = "shipped"
	return out, nil
})

func round2(f float64) float64 { return math.Round(f*100) / 100 }
