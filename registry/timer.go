package registry

import (
	"context"
	"errors"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

var timerSpec = DecoratorSpec{
	Doc: "Measures the rest of the flow and writes its duration in milliseconds (a float) into a key, " +
		"whether it succeeded or not.",
	Params: []Param{
		{Name: "key", Type: "string", Default: "elapsed_ms", Doc: "the key for the duration"},
	},
	Keys: "writes key after the rest of the flow",
	Build: func(p Params) (flow.Decorator, error) {
		key, err := p.String("key")
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, &ParamError{Param: "key", Err: errors.New("want a key name")}
		}
		return &timer{key: key, start: "\x00timer:" + key}, nil
	},
}

type timer struct {
	key   string
	start string // the hidden key holding the start time while the rest runs
}

func (d *timer) Name() string       { return "around(timer)" }
func (d *timer) Expects() []string  { return []string{} }
func (d *timer) Promises() []string { return []string{} }

// Before keeps the start time in the context itself: the decorator is shared
// by every input, and in the actor runtime Before and After are separate
// messages.
func (d *timer) Before(_ context.Context, c *flow.Context) error {
	c.Set(d.start, time.Now())
	return nil
}

func (d *timer) After(_ context.Context, c *flow.Context, err error) error {
	if v, ok := c.Get(d.start); ok {
		if t, ok := v.(time.Time); ok {
			c.Set(d.key, float64(time.Since(t).Microseconds())/1000)
		}
		c.Delete(d.start)
	}
	return err
}
