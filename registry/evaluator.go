package registry

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/expr-lang/expr/vm"

	"github.com/serviceflow/serviceflow/flow"
)

// An evaluator is what evaluating expressions over one input needs: expr's
// VM, whose variables hold the input's values the expressions read. It is
// kept between calls (see evaluators) instead of built per call.
//
// A call owns its evaluator until it puts it back, so concurrent calls (a
// stage's Concurrency) never share one. get sets every key's slot (nil for
// a key the input lacks, which an expression not using $env cannot tell
// from a missing one), a let-variable is stored before it is read, and the
// VM pushes a value before it pops it, so no input sees a value of another.
// Between calls the evaluator still refers to the last input's values (in
// its slots, its stack's spare room and its let-variables): one input's
// worth per evaluator, replaced by the next call. Emptying them per call
// cost ~0.1 CPU µs per line of the e2e run (pointer writes with the GC's
// write barrier, which is on for much of such a run).
type evaluator struct {
	vm vm.VM
}

// evaluators serves evaluators for a group of expressions: one
// expression's, or a step's, which then share one environment per input
// (an expr step evaluates all its expressions over the values from before
// it). The expressions' programs read the input's values from the VM's
// variables, slots base, base+1, ... for keys (see slotted), not from a map
// environment: a map is filled and searched by hashing each key, a slot is
// an index.
type evaluators struct {
	keys []string // the keys the programs read, in slot order
	base int      // the first key's slot; below it, the programs' let-variables

	// one is the evaluator a stage's one instance takes and puts back, call
	// after call: an atomic swap each way, cheaper than a sync.Pool round
	// trip. Concurrent calls find it taken and use the pool.
	one  atomic.Pointer[evaluator]
	pool sync.Pool
}

// evaluate lays out the programs of es that can read their values from
// slots (not constants, not using $env) and returns the evaluators they
// share, or nil if there is none. It rewrites those programs, so each
// expression takes part in one call of evaluate.
func evaluate(es ...*expression) *evaluators {
	var progs []*vm.Program
	var keys []string
	p := &evaluators{}
	for _, e := range es {
		if e.prog == nil || e.whole {
			continue
		}
		if !slottable(e.prog) {
			e.whole = true // cannot happen with a map environment; evaluate it as $env's users are
			continue
		}
		progs = append(progs, e.prog)
		keys = append(keys, envReads(e.prog)...)
		p.base = max(p.base, variables(e.prog))
		e.evals = p
	}
	if len(progs) == 0 {
		return nil
	}
	slices.Sort(keys)
	p.keys = slices.Compact(keys)
	for _, prog := range progs {
		p.slotted(prog)
	}
	return p
}

// get takes an evaluator, or makes one, and sets its slots from c.
func (p *evaluators) get(c *flow.Context) *evaluator {
	ev := p.one.Swap(nil)
	if ev == nil {
		var ok bool
		if ev, ok = p.pool.Get().(*evaluator); !ok {
			ev = &evaluator{}
			ev.vm.Variables = make([]any, p.base+len(p.keys))
		}
	}
	vars := ev.vm.Variables[p.base:]
	for i, k := range p.keys {
		vars[i], _ = c.Get(k)
	}
	return ev
}

// put hands ev back.
func (p *evaluators) put(ev *evaluator) {
	if p.one.Load() == nil && p.one.CompareAndSwap(nil, ev) {
		return
	}
	p.pool.Put(ev)
}

// run evaluates e (one of the expressions ev's evaluators serve) over the
// values get set.
func (ev *evaluator) run(e *expression) (any, error) {
	return e.result(ev.vm.Run(e.prog, nil))
}
