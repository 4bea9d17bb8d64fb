package actors

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

// batch is the message between actors: inputs in order, as refs. Batches
// are pooled.
type batch struct{ refs []ref }

var batches = sync.Pool{New: func() any { return &batch{refs: make([]ref, 0, 64)} }}

func getBatch() *batch { return batches.Get().(*batch) }

func putBatch(b *batch) {
	b.refs = b.refs[:0]
	batches.Put(b)
}

// instance is one worker of a node: its actor and, for a service, its own
// service value. mu serializes calls with restarts, which a supervisor may
// perform from another actor's goroutine (all-for-one, rest-for-one).
type instance struct {
	rt    *Runtime
	node  int
	index int
	name  string // unique: the stage name, with #i in a pool
	pid   *actor.PID
	stats *counters

	mu     sync.Mutex
	locked bool // whether calls take mu: only when a restart can come from another goroutine
	plain  bool // a call node that engine.CallPlain steps (engine.Node.Plain)
	svc    engine.Service[*flow.Context]

	worker *worker // runs the actor's mailbox

	batch *batcher // for a batched stage: its inputs waiting for a call

	doneAtRestart uint64 // actor-local: calls done when last restarted

	// Inputs entering the flow here (Submit, retries) wait in the intake and
	// are taken in one go when a kick message arrives: one message per burst,
	// not per input.
	intakeMu sync.Mutex
	intake   []ref
	kicked   bool
	spare    []ref // actor-local: the intake's other buffer

	// Actor-local state: only the actor's goroutine touches these.
	out   []outbox // batches being filled, one per destination in use
	rr    []uint32 // round-robin position per destination node
	rest  int      // inputs of the message in hand still to process after this one
	freed []int32  // slots of the inputs this message reported, to release at its end
}

// eagerRest is how many inputs of a message must remain for its first
// output to an idle stage to go alone, ahead of the rest.
const eagerRest = 8

type outbox struct {
	dst *instance
	b   *batch
}

// kick tells an actor that its intake has inputs.
type kick struct{}

var kickMsg = &kick{}

// push adds it to the intake, sending a kick unless one is pending.
func (in *instance) push(it item) {
	r := it.ref()
	in.intakeMu.Lock()
	in.intake = append(in.intake, r)
	first := !in.kicked
	in.kicked = true
	in.intakeMu.Unlock()
	in.stats.mailbox.Add(1)
	if first {
		in.rt.system.Root.Send(in.pid, kickMsg)
	}
}

// Receive implements actor.Actor.
func (in *instance) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *kick:
		in.intakeMu.Lock()
		refs := in.intake
		in.intake, in.kicked = in.spare[:0], false
		in.intakeMu.Unlock()
		in.handle(refs)
		in.spare = refs[:0]
	case *batch:
		in.handle(m.refs)
		putBatch(m)
	case *fillTimeout:
		in.timedOut(m)
	case *actor.Stopped:
		if in.batch != nil {
			in.batch.close()
		}
		in.rt.actorsDone.Done()
	}
}

// handle processes one message's contexts, then publishes the counts and
// hands the outputs on: batches are as large as the bursts that arrive.
func (in *instance) handle(refs []ref) {
	n := int64(len(refs))
	in.stats.holding.Store(n) // before leaving the mailbox: a batcher's idle check always sees them
	in.stats.mailbox.Add(-n)
	in.stats.received.Add(uint64(n))
	if in.batch != nil {
		in.gather(refs)
		return
	}
	for i, r := range refs {
		in.rest = len(refs) - 1 - i
		if it, ok := in.rt.item(r); ok {
			in.process(it)
		}
	}
	in.stats.publish()
	in.flush()
	in.release()
	in.stats.holding.Store(0)
}

// process runs one context through this node and hands it on.
func (in *instance) process(it item) {
	rt := in.rt
	if rt.stopping.Load() { // rare: after an escalation or a drain sweep
		if !rt.led.live(it) {
			return // already reported: drop it
		}
		if err := rt.escalated(); err != nil {
			rt.abandon(it, err, in)
			return
		}
	}
	p := rt.prog
	var err error
	if in.plain {
		// Deliver's first step, made here: the engine's dispatch is the
		// larger part of a trivial call's cost.
		if err = in.call(rt.ctx, it.c, it.cur, true); err != nil {
			var c *flow.Context
			c, err = p.Redeliver(rt.ctx, it.c, it.cur, in, 0, err)
			if c != it.c {
				in.logAbandoned(c, err, 1)
				if !in.replace(&it, c) {
					return
				}
			}
		}
	} else if p.Nodes[in.node].Op == engine.OpCall {
		var c *flow.Context
		c, err = p.Deliver(rt.ctx, it.c, it.cur, in) // with restarts and redelivery on Fatal
		if c != it.c {
			in.logAbandoned(c, err, 1)
			if !in.replace(&it, c) {
				return
			}
		}
	} else {
		err = p.Step(rt.ctx, it.c, it.cur, nil)
		in.count(err)
	}
	if err != nil {
		p.Fail(it.cur, err)
	}
	in.forward(it)
}

// replace carries on with c in place of it's context, which a call
// abandoned past its Timeout still holds; it reports false when the input
// was reported meanwhile (a drain or escalation sweep), and then it is
// dropped.
func (in *instance) replace(it *item, c *flow.Context) bool {
	next := item{c: c, cur: in.rt.prog.Rules.Cursor(c), slot: it.slot}
	if !in.rt.led.swap(*it, c) {
		return false
	}
	*it = next
	return true
}

// logAbandoned logs an abandoned call, once for its goroutine: c is (the
// first of) its inputs, n how many it had.
func (in *instance) logAbandoned(c *flow.Context, err error, n int) {
	in.rt.cfg.logger.Warn("service call abandoned: it ran past its Timeout and ignores its context; its goroutine is left until it returns",
		"stage", in.name, "input", c.ID(), "inputs", n, "err", err, "stuck", in.rt.prog.Stuck())
}

// Step implements engine.Instance: it runs the service on c, under the
// instance lock when restarts can come from other goroutines, timing one
// call in sampleEvery, and counts the outcome.
func (in *instance) Step(ctx context.Context, c *flow.Context, cur *engine.Cursor) (uint64, error) {
	return 0, in.call(ctx, c, cur, false)
}

// call is Step, through engine.CallPlain when plain (see instance.plain),
// else Program.Step.
func (in *instance) call(ctx context.Context, c *flow.Context, cur *engine.Cursor, plain bool) error {
	timed := in.stats.calls%sampleEvery == 0
	in.stats.calls++
	var start time.Duration
	if timed {
		start = monotonic()
	}
	var tapped *probe // a tap's sample of this call (tap.go); nil without a tap
	if t := in.rt.taps.tapOf(in.node); t != nil {
		tapped = t.enter(&in.rt.taps, c)
	}
	err := in.step(ctx, c, cur, plain)
	if tapped != nil {
		tapped.leave(c, err, in.rt.prog.Abandoned(err))
	}
	if timed {
		in.stats.hist.observe(monotonic() - start)
	}
	in.count(err)
	return err
}

func (in *instance) step(ctx context.Context, c *flow.Context, cur *engine.Cursor, plain bool) error {
	if in.locked {
		in.mu.Lock()
		defer in.mu.Unlock()
	}
	if plain {
		return in.rt.prog.CallPlain(ctx, c, cur, in.svc)
	}
	return in.rt.prog.Step(ctx, c, cur, in.svc)
}

// Restart implements engine.Instance: the supervision tree restarts this
// instance (and others, by its strategy), backing off as it says. A restart
// another instance's failure already did is covered by the supervisor, so
// gen is not needed here.
func (in *instance) Restart(_ context.Context, _ uint64, cause error, _ int) error {
	return in.restart(cause)
}

// restart asks the supervision tree to restart this instance after cause.
func (in *instance) restart(cause error) error {
	var pe *flow.PanicError
	if errors.As(cause, &pe) {
		in.rt.cfg.logger.Warn("service panicked", "stage", in.name, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
	}
	in.stats.restarting.Store(true)
	defer in.stats.restarting.Store(false)
	if in.stats.local.done > in.doneAtRestart {
		in.rt.sup.recovered(in) // it worked since its last restart: back off from the start
	}
	err := in.rt.sup.failed(in, cause)
	in.doneAtRestart = in.stats.local.done
	return err
}

// count classifies a step's outcome in the stage's counters.
func (in *instance) count(err error) {
	s := &in.stats.local
	switch {
	case err == nil:
		s.done++
		return
	case errors.Is(err, flow.ErrStopped):
		s.stopped++
		return
	case errors.Is(err, flow.ErrRetry):
		s.retried++
	default:
		s.failed++
	}
	msg := bound(err.Error(), 300)
	in.stats.lastErr.Store(&msg)
}

// forward hands it to the next node's outbox, or finishes it.
func (in *instance) forward(it item) {
	rt := in.rt
	next := rt.prog.At(it.cur)
	if next == engine.End {
		rt.finish(it, in)
		return
	}
	dst := in.route(next, it.c)
	k := 0
	for k < len(in.out) && in.out[k].dst != dst {
		k++
	}
	if k == len(in.out) {
		in.out = append(in.out, outbox{dst: dst, b: getBatch()})
	}
	b := in.out[k].b
	b.refs = append(b.refs, it.ref())
	// A batch is sent when full, at the end of the message, or at once
	// when it is the first for an idle destination and much of the message
	// is still to do: then the next stage starts on it while this one works
	// on the rest, instead of waiting for the whole burst.
	if len(b.refs) >= rt.cfg.batchSize || len(b.refs) == 1 && in.rest >= eagerRest && dst.waiting() {
		in.send(dst, b)
		in.out[k] = in.out[len(in.out)-1]
		in.out = in.out[:len(in.out)-1]
	}
}

var seed = maphash.MakeSeed()

// route picks the instance of node that gets c: by its affinity key's value
// when the stage has one, else round-robin.
func (in *instance) route(node int, c *flow.Context) *instance {
	pool := in.rt.instances[node]
	if len(pool) == 1 {
		return pool[0]
	}
	if v, ok := in.rt.affinityValue(node, c); ok {
		return pool[hashValue(v)%uint64(len(pool))]
	}
	if in.rr == nil {
		in.rr = make([]uint32, len(in.rt.instances))
	}
	in.rr[node]++
	return pool[int(in.rr[node])%len(pool)]
}

func hashValue(v any) uint64 {
	switch v := v.(type) {
	case string:
		return maphash.String(seed, v)
	case int:
		return maphash.Comparable(seed, v)
	case nil:
		return 0
	}
	return maphash.String(seed, stringOf(v))
}

// waiting reports whether the instance has nothing to do: no inputs in its
// mailbox, none in hand.
func (in *instance) waiting() bool {
	return in.stats.mailbox.Load() == 0 && in.stats.holding.Load() == 0
}

func (in *instance) flush() {
	for _, o := range in.out {
		in.send(o.dst, o.b)
	}
	clear(in.out)
	in.out = in.out[:0]
}

func (in *instance) send(dst *instance, b *batch) {
	dst.stats.mailbox.Add(int64(len(b.refs)))
	in.rt.system.Root.Send(dst.pid, b)
}
