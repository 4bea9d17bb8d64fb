package registry

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/serviceflow/serviceflow/flow"
)

// expression is an expr-lang expression compiled once, at build time, and
// evaluated against a context's values.
type expression struct {
	src   string
	prog  *vm.Program
	keys  []string // identifiers the expression reads, sorted
	needs []string // those it cannot do without (not only left of ??)
	whole bool     // it uses $env: give it every value

	constant any // the value, when prog is nil
}

// compileExpr compiles src. Keys of known type (info.KeyTypes) are
// type-checked; other identifiers may hold anything. With asBool the result
// must be a boolean: an error now when its type is known, at run time
// otherwise. Errors are *ParamError for param (and key, for map params).
func compileExpr(param, key, src string, info FlowInfo, asBool bool) (*expression, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &ParamError{Param: param, Key: key, Err: errors.New("empty expression")}
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
	e.collect(prog.Node())
	return e, nil
}

// collect finds the context keys the expression reads: its identifiers, but
// not functions, let-variables, or $env. An identifier used only on the left
// of ?? is optional.
func (e *expression) collect(root ast.Node) {
	var v identVisitor
	v.skip = map[*ast.IdentifierNode]bool{}
	v.optional = map[*ast.IdentifierNode]bool{}
	v.local = map[string]bool{}
	ast.Walk(&root, &v)
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
	}
	e.keys = slices.Sorted(maps.Keys(all))
	e.needs = slices.Sorted(maps.Keys(need))
}

type identVisitor struct {
	idents   []*ast.IdentifierNode
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
		}
	case *ast.BinaryNode:
		if id, ok := n.Left.(*ast.IdentifierNode); ok && n.Operator == "??" {
			v.optional[id] = true
		}
	case *ast.VariableDeclaratorNode:
		v.local[n.Name] = true
	}
}

// env returns the values the expression reads. It builds a small map of
// just those keys (one allocation, plus boxing nothing: the values are
// already interfaces), rather than c.Map()'s copy of every value; only an
// expression using $env gets every value.
func (e *expression) env(c *flow.Context) map[string]any {
	if e.whole {
		return c.Map()
	}
	m := make(map[string]any, len(e.keys))
	for _, k := range e.keys {
		if v, ok := c.Get(k); ok {
			m[k] = v
		}
	}
	return m
}

// eval runs the expression over c's values.
func (e *expression) eval(c *flow.Context) (any, error) {
	if e.prog == nil {
		return e.constant, nil
	}
	return e.run(e.env(c))
}

func (e *expression) run(env map[string]any) (any, error) {
	out, err := expr.Run(e.prog, env)
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
