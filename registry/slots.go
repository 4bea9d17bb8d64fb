package registry

import (
	"slices"

	"github.com/expr-lang/expr/vm"
)

// A program compiled against a map environment (expr.Env of a
// map[string]any, as compileExpr does) reads a context key with one
// opcode, OpLoadFast k: the map's value at k, nil when absent. slotted turns
// each of them into OpLoadVar s, a read of the VM's variable s, which
// evaluators.get sets to the context's value at k (nil when absent): the
// same value, without filling and hashing a map per call. Let-variables
// (OpStore, OpLoadVar) keep their slots, all below the keys' (see
// variables). vm.Program's Bytecode and Arguments are exported for such
// uses; nothing else of the program changes.

// slottable reports whether prog reads its environment only by OpLoadFast:
// no $env (OpLoadEnv) and none of the reads of a struct environment.
func slottable(prog *vm.Program) bool {
	for _, op := range prog.Bytecode {
		switch op {
		case vm.OpLoadEnv, vm.OpLoadConst, vm.OpLoadField, vm.OpLoadMethod:
			return false
		}
	}
	return true
}

// envReads is the keys prog reads from its environment.
func envReads(prog *vm.Program) []string {
	var keys []string
	for i, op := range prog.Bytecode {
		if op == vm.OpLoadFast {
			keys = append(keys, prog.Constants[prog.Arguments[i]].(string))
		}
	}
	return keys
}

// variables is the number of VM variables prog's let-variables use: one
// more than the highest slot it stores to or loads from.
func variables(prog *vm.Program) int {
	n := 0
	for i, op := range prog.Bytecode {
		if op == vm.OpStore || op == vm.OpLoadVar {
			n = max(n, prog.Arguments[i]+1)
		}
	}
	return n
}

// slotted rewrites prog's environment reads into reads of p's slots.
func (p *evaluators) slotted(prog *vm.Program) {
	for i, op := range prog.Bytecode {
		if op != vm.OpLoadFast {
			continue
		}
		k, _ := slices.BinarySearch(p.keys, prog.Constants[prog.Arguments[i]].(string))
		prog.Bytecode[i], prog.Arguments[i] = vm.OpLoadVar, p.base+k
	}
}
