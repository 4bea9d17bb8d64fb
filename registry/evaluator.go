package registry

import (
	"sync"

	"github.com/expr-lang/expr/vm"

	"github.com/serviceflow/serviceflow/flow"
)

// An evaluator is what evaluating expressions over one input needs, kept
// in a pool between calls instead of built per call: expr's VM (its stack
// and scopes) and the map of the values the expressions read.
//
// A call owns its evaluator until it puts it back, so concurrent calls
// (a stage's Concurrency) never share one. The map only ever holds its
// pool's keys, and fill sets every one of them (nil for a key the input
// lacks, which an expression not using $env cannot tell from a missing
// one), so no input sees a value of another. Between calls the map still
// refers to the last input's values (emptying it cost 3-5% of a flowrun
// run's CPU: clear wipes a whole group of slots, with write barriers while
// the GC runs); the VM's stack and let-variables are emptied, so what an
// expression built is not kept alive.
type evaluator struct {
	vm  vm.VM
	env map[string]any
}

// evaluators is a pool of evaluators for expressions reading keys: one
// expression's, or the union of a step's expressions', which then share
// one environment per input (an expr step evaluates all its expressions
// over the values from before it).
type evaluators struct {
	keys []string
	pool sync.Pool // of *evaluator
}

// get takes an evaluator from the pool, or makes one, and fills its
// environment from c.
func (p *evaluators) get(c *flow.Context) *evaluator {
	ev, ok := p.pool.Get().(*evaluator)
	if !ok {
		ev = &evaluator{env: make(map[string]any, len(p.keys))}
	}
	for _, k := range p.keys {
		v, _ := c.Get(k)
		ev.env[k] = v
	}
	return ev
}

// put hands ev back.
func (p *evaluators) put(ev *evaluator) { p.pool.Put(ev) }

// run evaluates e (not a constant, not using $env) over ev's environment,
// which holds at least e's keys.
func (ev *evaluator) run(e *expression) (any, error) {
	out, err := ev.vm.Run(e.prog, ev.env)
	clear(ev.vm.Stack[:cap(ev.vm.Stack)])
	clear(ev.vm.Variables)
	return e.result(out, err)
}
