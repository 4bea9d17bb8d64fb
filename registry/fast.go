package registry

import (
	"github.com/expr-lang/expr/vm"
	"github.com/expr-lang/expr/vm/runtime"

	"github.com/serviceflow/serviceflow/flow"
)

// A fastForm is an expression of the shape most expressions in flow files
// have, evaluated without the VM: a key's value (v), or one arithmetic or
// comparison operator over two keys or a key and a number (v + 1,
// price * qty, qty > 0). Its bytecode is that of the VM (OpLoadFast k,
// perhaps OpDeref; OpPush or OpInt of a number; the operator's opcode), and
// eval does what the VM does for it, with the function of expr's
// vm/runtime that the VM calls for the opcode, so the result is the VM's.
// It only answers for operands that are ints or float64s (what JSON
// numbers decode to), where those functions cannot fail; for any other the
// expression goes to the VM, which gives its result or its error as always.
type fastForm struct {
	op   vm.Opcode // the operator; OpLoadFast for a key's value alone
	a, b operand
}

// operand is one side of a fastForm: a context key's value or a constant.
type operand struct {
	key   string
	deref bool // the VM dereferences it (an untyped key): only numbers, which it leaves as they are
	val   any  // the constant, when key is ""
}

// fastOf returns prog's fastForm, or nil if it has none. prog is compileExpr's,
// before evaluate lays it out.
func fastOf(prog *vm.Program) *fastForm {
	code := prog.Bytecode
	var ops []operand
	i := 0
	for len(ops) < 2 && i < len(code) {
		var o operand
		switch code[i] {
		case vm.OpLoadFast:
			o.key = prog.Constants[prog.Arguments[i]].(string)
			if i+1 < len(code) && code[i+1] == vm.OpDeref {
				o.deref = true
				i++
			}
		case vm.OpPush:
			o.val = prog.Constants[prog.Arguments[i]]
			if !number(o.val) {
				return nil
			}
		case vm.OpInt:
			o.val = prog.Arguments[i]
		default:
			return nil
		}
		ops = append(ops, o)
		i++
	}
	switch {
	case len(ops) == 1 && i == len(code) && ops[0].key != "" && !ops[0].deref:
		return &fastForm{op: vm.OpLoadFast, a: ops[0]}
	case len(ops) == 2 && i == len(code)-1:
		switch op := code[i]; op {
		case vm.OpAdd, vm.OpSubtract, vm.OpMultiply, vm.OpDivide,
			vm.OpLess, vm.OpMore, vm.OpLessOrEqual, vm.OpMoreOrEqual,
			vm.OpEqual, vm.OpEqualInt:
			return &fastForm{op: op, a: ops[0], b: ops[1]}
		}
	}
	return nil
}

// eval evaluates f over c's values; ok is false when the VM must.
func (f *fastForm) eval(c *flow.Context) (v any, ok bool) {
	x := f.a.value(c)
	if f.op == vm.OpLoadFast {
		return x, true
	}
	y := f.b.value(c)
	if !number(x) || !number(y) {
		return nil, false
	}
	switch f.op {
	case vm.OpAdd:
		return runtime.Add(x, y), true
	case vm.OpSubtract:
		return runtime.Subtract(x, y), true
	case vm.OpMultiply:
		return runtime.Multiply(x, y), true
	case vm.OpDivide:
		return runtime.Divide(x, y), true
	case vm.OpLess:
		return runtime.Less(x, y), true
	case vm.OpMore:
		return runtime.More(x, y), true
	case vm.OpLessOrEqual:
		return runtime.LessOrEqual(x, y), true
	case vm.OpMoreOrEqual:
		return runtime.MoreOrEqual(x, y), true
	case vm.OpEqual:
		return runtime.Equal(x, y), true
	case vm.OpEqualInt: // the checker typed both int: the VM asserts they are
		i, iok := x.(int)
		j, jok := y.(int)
		return i == j, iok && jok
	}
	return nil, false
}

func (o *operand) value(c *flow.Context) any {
	if o.key == "" {
		return o.val
	}
	v, _ := c.Get(o.key)
	return v
}

// number reports whether v is an int or a float64.
func number(v any) bool {
	switch v.(type) {
	case int, float64:
		return true
	}
	return false
}
