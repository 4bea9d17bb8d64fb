package registry

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/serviceflow/serviceflow/flow"
)

// expression is an expr-lang expression compiled once, at build time, and
// evaluated against a context's values.
type expression struct {
	src   string
	prog  *vm.Program
	keys  []string     // identifiers the expression reads, sorted
	needs []string     // those it cannot do without (not only left of ??)
	whole bool         // it uses $env: give it every value
	uses  []KeyUse     // where it reads each key, in order
	typ   reflect.Type // the result's type, when the checker knows it

	constant any // the value, when prog is nil

	evals *evaluators // what it evaluates with (see evaluate); nil for a constant or with $env
	fast  *fastForm   // its shape when it needs no VM for numbers; nil for most
}

// MaxExpressionSize bounds an expression's text, in bytes: compiling takes
// time in proportion to it (about a second for 100 KiB of parentheses),
// and no expression a person writes comes near it.
const MaxExpressionSize = 16 << 10

// compileExpr compiles src; its user then lays it out for evaluation with
// evaluate. Keys of known type (info.KeyTypes) are
// type-checked; other identifiers may hold anything. With asBool the result
// must be a boolean: an error now when its type is known, at run time
// otherwise. Errors are *ParamError for param (and key, for map params).
func compileExpr(param, key, src string, info FlowInfo, asBool bool) (*expression, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &ParamError{Param: param, Key: key, Err: errors.New("empty expression")}
	}
	if len(src) > MaxExpressionSize {
		return nil, &ParamError{Param: param, Key: key, Err: fmt.Errorf("expression of %d bytes; at most %d (%d KiB)", len(src), MaxExpressionSize, MaxExpressionSize>>10)}
	}
	env := make(map[string]any, len(info.KeyTypes))
	maps.Copy(env, info.KeyTypes)
	opts := []expr.Option{expr.Env(env), expr.AllowUndefinedVariables()}
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		pe := &ParamError{Param: param, Key: key, Err: err}
		var fe *file.Error
		if errors.As(err, &fe) {
			pe.Err = errors.New(fe.Message)
			pe.Line, pe.Column = fe.Line, fe.Column+1
		}
		return nil, pe
	}
	e := &expression{src: src, prog: prog}
	if err := e.collect(prog.Node()); err != nil {
		err.Param, err.Key = param, key
		return nil, err
	}
	if t := prog.Node().Type(); t != nil && t.Kind() != reflect.Interface {
		e.typ = t
	}
	if !e.whole {
		e.fast = fastOf(prog)
	}
	return e, nil
}

// at returns the line and column (from 1) of loc in the expression.
func (e *expression) at(loc file.Location) (line, col int) {
	fe := (&file.Error{Location: loc}).Bind(file.NewSource(e.src))
	return fe.Line, fe.Column + 1
}

// collect finds the context keys the expression reads: its identifiers, but
// not functions, let-variables, or $env. An identifier used only on the left
// of ?? is optional. A call of a function that does not exist is an error
// now: with undefined variables allowed, expr would compile it as a call
// of nil and fail every input.
func (e *expression) collect(root ast.Node) *ParamError {
	var v identVisitor
	v.skip = map[*ast.IdentifierNode]bool{}
	v.optional = map[*ast.IdentifierNode]bool{}
	v.local = map[string]bool{}
	ast.Walk(&root, &v)
	for _, id := range v.callees {
		if _, ok := builtin.Index[id.Value]; !ok && !v.local[id.Value] {
			line, col := e.at(id.Location())
			return &ParamError{Line: line, Column: col, Err: fmt.Errorf("unknown function %s%s", id.Value, suggestFunc(id.Value))}
		}
	}
	all, need := map[string]bool{}, map[string]bool{}
	for _, id := range v.idents {
		name := id.Value
		if v.skip[id] || v.local[name] {
			continue
		}
		if strings.HasPrefix(name, "$") {
			e.whole = e.whole || name == "$env"
			continue
		}
		all[name] = true
		if !v.optional[id] {
			need[name] = true
		}
		line, col := e.at(id.Location())
		e.uses = append(e.uses, KeyUse{Key: name, Line: line, Column: col})
	}
	e.keys = slices.Sorted(maps.Keys(all))
	e.needs = slices.Sorted(maps.Keys(need))
	return nil
}

// suggestFunc returns " (did you mean len?)" for a built-in function whose
// name is one edit away from name, or a short hint.
func suggestFunc(name string) string {
	best := ""
	for _, fn := range builtin.Builtins {
		if oneEdit(name, fn.Name) && (best == "" || fn.Name < best) {
			best = fn.Name
		}
	}
	if best != "" {
		return " (did you mean " + best + "?)"
	}
	return "; see https://expr-lang.org/docs/language-definition for the built-in functions"
}

// oneEdit reports whether a and b differ by one insertion, deletion,
// substitution or swap of neighbours.
func oneEdit(a, b string) bool {
	if a == b || len(a) > len(b)+1 || len(b) > len(a)+1 {
		return false
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) == len(b):
		return a[i+1:] == b[i+1:] || (i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:])
	case len(a) > len(b):
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

type identVisitor struct {
	idents   []*ast.IdentifierNode
	callees  []*ast.IdentifierNode        // functions called by name
	skip     map[*ast.IdentifierNode]bool // callees
	optional map[*ast.IdentifierNode]bool // left of ??
	local    map[string]bool              // let-variables
}

func (v *identVisitor) Visit(n *ast.Node) {
	switch n := (*n).(type) {
	case *ast.IdentifierNode:
		v.idents = append(v.idents, n)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			v.skip[id] = true
			v.callees = append(v.callees, id)
		}
	case *ast.BinaryNode:
		if id, ok := n.Left.(*ast.IdentifierNode); ok && n.Operator == "??" {
			v.optional[id] = true
		}
	case *ast.VariableDeclaratorNode:
		v.local[n.Name] = true
	}
}

// eval runs the expression over c's values. It is safe for concurrent
// use: each call takes an evaluator of its own (see evaluator).
func (e *expression) eval(c *flow.Context) (any, error) {
	if e.prog == nil {
		return e.constant, nil
	}
	if e.fast != nil {
		if v, ok := e.fast.eval(c); ok {
			return v, nil
		}
	}
	if e.whole { // $env may be returned or kept: a map of its own
		return e.result(expr.Run(e.prog, maps.Collect(c.All())))
	}
	ev := e.evals.get(c)
	out, err := ev.run(e)
	e.evals.put(ev)
	return out, err
}

func (e *expression) result(out any, err error) (any, error) {
	if err != nil {
		return nil, fmt.Errorf("expression %q: %w", e.src, cleanErr(err))
	}
	return out, nil
}

// cleanErr drops expr's multi-line source snippet from a run-time error.
func cleanErr(err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		return errors.New(fe.Message)
	}
	return err
}
