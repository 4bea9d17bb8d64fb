package registry

import (
	"github.com/expr-lang/expr/vm"

	"github.com/serviceflow/serviceflow/flow"
)

// An evaluator is what one evaluation of an expression needs, kept in the
// expression's pool between calls instead of built per call: expr's VM
// (its stack and scopes) and the map of the values the expression reads.
// A call owns its evaluator until it puts it back, so concurrent calls
// (a stage's Concurrency) never share one. The map only ever holds the
// expression's keys, and run sets every one of them before evaluating (nil
// for a key the input lacks, which an expression not using $env cannot
// tell from a missing one), so no input sees a value of another. Between
// calls the map still refers to the last input's values (emptying it cost
// 3-5% of a flowrun run's CPU: clear wipes a whole group of slots, with
// write barriers while the GC runs); the VM's stack and let-variables are
// emptied, so what an expression built is not kept alive.
type evaluator struct {
	vm  vm.VM
	env map[string]any
}

// evaluator takes an evaluator from e's pool, or makes one.
func (e *expression) evaluator() *evaluator {
	if ev, ok := e.evaluators.Get().(*evaluator); ok {
		return ev
	}
	return &evaluator{env: make(map[string]any, len(e.keys))}
}

// run evaluates e over the values of c that it reads (only those: an
// expression using $env is not run here).
func (ev *evaluator) run(e *expression, c *flow.Context) (any, error) {
	for _, k := range e.keys {
		v, _ := c.Get(k)
		ev.env[k] = v
	}
	out, err := ev.vm.Run(e.prog, ev.env)
	clear(ev.vm.Stack[:cap(ev.vm.Stack)])
	clear(ev.vm.Variables)
	return out, err
}
