// Custom binary: your own flowrun, with your own services next to the
// built-ins. Register them into registry.Builtin() and hand the registry
// to cli.Main: every subcommand (run, validate, graph, services, demo)
// knows them.
//
//	go run ./examples/custom-binary services          # lists loyalty too
//	go run ./examples/custom-binary run examples/custom-binary/orders.yaml \
//	    --in examples/custom-binary/orders.jsonl
package main

import (
	"context"
	"errors"

	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

func main() { cli.Main(newRegistry()) }

// newRegistry is the built-ins plus loyalty.
func newRegistry() *registry.Registry {
	reg := registry.Builtin()
	reg.Register("loyalty", registry.Spec{
		Doc: "Gives members a discount on total.",
		Params: []registry.Param{
			{Name: "discount", Type: "float", Default: 0.1, Doc: "the fraction taken off, in [0, 1)"},
		},
		Expects:  []string{"total", "member"},
		Promises: []string{"total"},
		Build: func(p registry.Params) (flow.Service, error) {
			d, err := p.Float("discount")
			if err != nil {
				return nil, err
			}
			if d < 0 || d >= 1 {
				return nil, &registry.ParamError{Param: "discount", Err: errors.New("want a fraction in [0, 1)")}
			}
			return Loyalty{Discount: d}, nil
		},
	})
	return reg
}

// Loyalty takes Discount off the total of members' orders.
type Loyalty struct{ Discount float64 }

var _ flow.KeyDeclarer = Loyalty{}

// Name is the stage name.
func (Loyalty) Name() string { return "loyalty" }

// Expects declares the keys Loyalty reads, for Validate.
func (Loyalty) Expects() []string { return []string{"total", "member"} }

// Promises declares the keys Loyalty writes.
func (Loyalty) Promises() []string { return []string{"total"} }

// Call applies the discount when member is true.
func (l Loyalty) Call(_ context.Context, c *flow.Context) error {
	member, err := flow.Value[bool](c, "member")
	if err != nil {
		return err
	}
	total, err := flow.Value[float64](c, "total")
	if err != nil {
		return err
	}
	if member {
		c.Set("total", total*(1-l.Discount))
	}
	return nil
}
