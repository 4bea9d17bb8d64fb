package registry

import (
	"context"
	"errors"
	"sync/atomic"
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
	slab  atomic.Pointer[startSlab]
}

// startSlab is room for the start times of many inputs, allocated at once:
// a context holds a pointer to its start time (a pointer goes into an
// interface without an allocation; a time.Time is boxed, 24 bytes per input).
// A slot is written once, by Before, and never reused: a slab is garbage once
// the contexts of all its slots have moved on (After deletes the key).
type startSlab struct {
	next atomic.Int32
	t    [64]time.Time
}

// slot returns storage for one start time.
func (d *timer) slot() *time.Time {
	for {
		s := d.slab.Load()
		if s != nil {
			if i := s.next.Add(1) - 1; int(i) < len(s.t) {
				return &s.t[i]
			}
		}
		fresh := &startSlab{}
		fresh.next.Store(1)
		if d.slab.CompareAndSwap(s, fresh) {
			return &fresh.t[0]
		}
	}
}

func (d *timer) Name() string       { return "around(timer)" }
func (d *timer) Expects() []string  { return []string{} }
func (d *timer) Promises() []string { return []string{} }

// Before keeps the start time in the context itself: the decorator is shared
// by every input, and in the actor runtime Before and After are separate
// messages. It does not allocate (but for one slab per 64 inputs).
func (d *timer) Before(_ context.Context, c *flow.Context) error {
	t := d.slot()
	*t = time.Now()
	c.Set(d.start, t)
	return nil
}

// After sets the key; the float64 it holds is the one allocation per input
// (none for 0).
func (d *timer) After(_ context.Context, c *flow.Context, err error) error {
	if v, ok := c.Get(d.start); ok {
		if t, ok := v.(*time.Time); ok {
			c.Set(d.key, float64(time.Since(*t).Microseconds())/1000)
		}
		c.Delete(d.start)
	}
	return err
}
