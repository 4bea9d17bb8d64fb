package actors

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
	"github.com/serviceflow/serviceflow/snapshot"
)

// item is one admitted input on its way through the actors: its context and
// its ledger slot. Items travel by value, so admitting one allocates nothing.
type item struct {
	c    *flow.Context
	cur  *engine.Cursor // c's position in the program; nil once swept (never run again)
	slot int32
}

// ref is an item as messages and intakes carry it: its slot and its
// context's ID, no pointers, so queued inputs cost the garbage collector
// nothing (no write barriers when they are queued and cleared, nothing to
// scan). The actor that receives it finds the context in the ledger.
type ref struct {
	id   uint64
	slot int32
}

func (it item) ref() ref { return ref{id: it.c.ID(), slot: it.slot} }

// item is the input r stands for, or false when its slot no longer holds
// it: it was reported by a sweep (escalation, the drain deadline), and is
// dropped. A context replacing an abandoned call's keeps the ID.
func (rt *Runtime) item(r ref) (item, bool) {
	c := rt.led.slots[r.slot].Load()
	if c == nil || c.ID() != r.id {
		return item{}, false
	}
	return item{c: c, cur: rt.prog.Rules.Cursor(c), slot: r.slot}, true
}

// ledger accounts for every admitted input. Its slots are the inputs in
// flight: an input holds one from Submit to its Result, and the free list of
// slots is also the backpressure bound. Exactly one party reports each input:
// whoever clears its slot (finish, or a sweep at escalation or the drain
// deadline) and nobody else.
type ledger struct {
	slots []atomic.Pointer[flow.Context] // the context holding each slot, nil if free
	free  *freeSlots

	// Submit counts admitted, the flow's last actor the outcomes: each on
	// its own cache line, away from the read-only fields above.
	_                     [cacheLine]byte
	admitted              atomic.Uint64
	_                     [cacheLine]byte
	done, stopped, failed atomic.Uint64
	retried               atomic.Uint64
	_                     [cacheLine]byte

	mu        sync.Mutex
	dead      []snapshot.DeadLetter // oldest first, at most deadCap
	deadCap   int
	evicted   uint64
	inputs    map[uint64]map[string]any // dead letter ID → original input, for Replay
	replaying map[uint64]bool           // dead letters a Replay is submitting
}

func newLedger(maxInFlight, deadCap int) *ledger {
	l := &ledger{
		slots:     make([]atomic.Pointer[flow.Context], maxInFlight),
		free:      newFreeSlots(maxInFlight),
		deadCap:   deadCap,
		inputs:    map[uint64]map[string]any{},
		replaying: map[uint64]bool{},
	}
	return l
}

// admit records it in slot (which the caller took from free).
func (l *ledger) admit(it item) {
	l.slots[it.slot].Store(it.c)
	l.admitted.Add(1)
}

// claim clears it's slot if it still holds it's context: true means the caller now
// reports the input, exactly once.
func (l *ledger) claim(it item) bool {
	return l.slots[it.slot].CompareAndSwap(it.c, nil)
}

// swap puts c in it's slot in place of it's context, if the slot still
// holds that: false means the input was reported already.
func (l *ledger) swap(it item, c *flow.Context) bool {
	return l.slots[it.slot].CompareAndSwap(it.c, c)
}

// live reports whether it is still unreported.
func (l *ledger) live(it item) bool { return l.slots[it.slot].Load() == it.c }

// release returns a claimed slot to the free list.
func (l *ledger) release(it item) { l.free.put(it.slot) }

// count records a reported result.
func (l *ledger) count(s flow.Status) {
	switch s {
	case flow.Done:
		l.done.Add(1)
	case flow.Stopped:
		l.stopped.Add(1)
	default:
		l.failed.Add(1)
	}
}

// idle reports whether every slot is free or unreleased (see
// instance.release): no input is in flight and no result is being sent.
// unreleased is read after the free list: a slot moving from one to the
// other meanwhile is missed, never counted twice (no slot is taken while
// Drain waits for idle).
func (l *ledger) idle(unreleased func() int) bool {
	free := l.free.free()
	return free+unreleased() == l.free.size
}

// settle returns once idle, ordered after every release and every
// unreleased count: each is stored after the results of its slots were
// sent, so what the caller does next (close Results) is ordered after every
// send.
func (l *ledger) settle(unreleased func() int) {
	for {
		if l.free.free()+unreleased() == l.free.size {
			return
		}
		runtime.Gosched()
	}
}

// inFlight is the number of slots held: inputs admitted and not yet
// reported (plus, for an instant, one being admitted, and those reported
// by an actor still at work on their message). It is never more than
// MaxInFlight, unlike admitted minus reported, whose two counters cannot
// be read at one instant: between the reads inputs finish and others are
// admitted in their slots.
func (l *ledger) inFlight() int { return l.free.size - l.free.free() }

// sweep claims every input still in flight, for escalation and the drain
// deadline, and returns them.
func (l *ledger) sweep() []item {
	var out []item
	for i := range l.slots {
		if c := l.slots[i].Load(); c != nil && l.slots[i].CompareAndSwap(c, nil) {
			out = append(out, item{c: c, slot: int32(i)})
		}
	}
	return out
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
