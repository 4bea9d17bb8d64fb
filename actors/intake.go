package actors

import (
	"context"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

// Submit admits one input. It blocks while MaxInFlight inputs are in flight
// or intake is paused, until ctx is done (returning its error) or Drain is
// called (ErrDraining). After an escalation it returns the flow's error.
func (rt *Runtime) Submit(ctx context.Context, input map[string]any) error {
	return rt.SubmitContext(ctx, flow.NewContext(input))
}

// SubmitContext is Submit for a context the caller made with
// flow.NewContext, so it knows the input's ID (c.ID()) before its result
// arrives: to match results to its own records, say. c must be new and the
// caller must not touch it afterwards; its result's Context is c.
func (rt *Runtime) SubmitContext(ctx context.Context, c *flow.Context) error {
	rt.admitting.RLock()
	defer rt.admitting.RUnlock()
	if rt.draining.Load() {
		return ErrDraining
	}
	if err := rt.escalated(); err != nil {
		return err
	}
	slot, ok := rt.takeSlot(ctx.Done(), rt.closing)
	if !ok {
		if err := ctx.Err(); err != nil {
			return err
		}
		return ErrDraining
	}
	rt.admit(item{c: c, slot: slot})
	return nil
}

// takeSlot waits for intake to be open (see Pause) and a slot to be free,
// and takes it. It gives up, returning false, when done or closing is closed
// (a nil channel never is).
func (rt *Runtime) takeSlot(done, closing <-chan struct{}) (int32, bool) {
	if g := rt.gate.Load(); g != nil {
		select {
		case <-*g:
		case <-done:
			return 0, false
		case <-closing:
			return 0, false
		}
	}
	return rt.led.free.take(done, closing)
}

// admit records it in the ledger and sends it into the flow, at its entry.
func (rt *Runtime) admit(it item) {
	it.cur = rt.prog.Rules.Cursor(it.c)
	rt.prog.Begin(it.cur)
	rt.led.admit(it)
	rt.enter(it)
}

// enter sends it to the node its context is at (the entry, for a new or
// retried input) from outside the actors.
func (rt *Runtime) enter(it item) {
	at := rt.prog.At(it.cur)
	if at == engine.End {
		rt.finish(it, nil)
		return
	}
	pool := rt.instances[at]
	dst := pool[0]
	if len(pool) > 1 {
		dst = pool[int(it.c.ID())%len(pool)]
		if v, ok := rt.affinityValue(at, it.c); ok {
			dst = pool[hashValue(v)%uint64(len(pool))]
		}
	}
	dst.push(it)
}

// affinityValue returns the value node routes c by: its stage's ByKey
// key's (present or not), else the runtime's Affinity key's when c has it.
func (rt *Runtime) affinityValue(node int, c *flow.Context) (any, bool) {
	if key := rt.prog.Nodes[node].Config.AffinityKey; key != "" {
		v, _ := c.Get(key)
		return v, true
	}
	if rt.cfg.affinity != "" {
		return c.Get(rt.cfg.affinity)
	}
	return nil, false
}
