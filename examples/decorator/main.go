// Decorator: flow.Around wraps the rest of the flow, like the seed's
// DecoratorMiddleware. Before runs first; After sees how the rest ended and
// may handle the error (here: a failure becomes an "error" key and the
// input finishes Done) or pass it on. Decorators nest: the innermost After
// runs first.
//
//	go run ./examples/decorator
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
)

// Recover turns a failure of the rest of the flow into a value: the error
// message goes into Key and the input finishes Done. A Stop passes through:
// it is not a failure.
type Recover struct{ Key string }

// Before does nothing: everything happens after the rest of the flow.
func (Recover) Before(context.Context, *flow.Context) error { return nil }

// After handles err by recording it.
func (r Recover) After(_ context.Context, c *flow.Context, err error) error {
	if err == nil || errors.Is(err, flow.ErrStopped) {
		return err
	}
	c.Set(r.Key, err.Error())
	return nil
}

// Trace records the order in which decorators and services run.
type Trace struct{ Name string }

// Before appends "Name>" to the trace.
func (t Trace) Before(_ context.Context, c *flow.Context) error {
	appendTrace(c, t.Name+">")
	return nil
}

// After appends "<Name" to the trace and passes err on.
func (t Trace) After(_ context.Context, c *flow.Context, err error) error {
	appendTrace(c, "<"+t.Name)
	return err
}

func appendTrace(c *flow.Context, s string) {
	tr, _ := c.Get("trace")
	prev, _ := tr.(string)
	c.Set("trace", prev+s+" ")
}

// divide fails when the divisor is 0, and stops when it is negative.
var divide = flow.Func("divide", func(_ context.Context, c *flow.Context) error {
	appendTrace(c, "divide")
	a, err := flow.Value[int](c, "a")
	if err != nil {
		return err
	}
	b, err := flow.Value[int](c, "b")
	if err != nil {
		return err
	}
	switch {
	case b == 0:
		return errors.New("division by zero")
	case b < 0:
		return flow.Stop("negative divisor")
	}
	c.Set("q", a/b)
	return nil
}, flow.Expects("a", "b"), flow.Promises("q"))

func main() {
	f := flow.New(
		flow.Around(Recover{Key: "error"}),
		flow.Around(Trace{Name: "outer"}),
		flow.Around(Trace{Name: "inner"}),
		divide,
	).Named("division")
	for _, in := range []map[string]any{{"a": 7, "b": 2}, {"a": 1, "b": 0}, {"a": 1, "b": -1}} {
		c, err := f.Run(context.Background(), in)
		q, _ := c.Get("q")
		e, _ := c.Get("error")
		tr, _ := c.Get("trace")
		fmt.Printf("%v/%v: q=%v error=%v err=%v\n  trace: %v\n", in["a"], in["b"], q, e, err, strings.TrimSpace(fmt.Sprint(tr)))
	}
}
