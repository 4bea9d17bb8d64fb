package registry

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/serviceflow/serviceflow/flow"
)

var exprSpec = Spec{
	Doc: "Computes keys with expr-lang expressions over the context's values.",
	Params: []Param{
		{Name: "set", Type: "map of expressions", Required: true, Doc: `key: expression pairs, e.g. {total: "price * qty"}`},
	},
	Keys: "reads the keys the expressions use; writes the keys of set. The expressions all see the values from before the step: to use a computed key, compute it in a later step.",
	Build: func(p Params) (flow.Service, error) {
		set, err := p.Map("set")
		if err != nil {
			return nil, err
		}
		if len(set) == 0 {
			return nil, &ParamError{Param: "set", Err: errors.New("want at least one key: expression")}
		}
		s := &exprService{keys: slices.Sorted(maps.Keys(set))}
		var errs []error
		reads := map[string]bool{}
		for _, k := range s.keys {
			var e *expression
			switch v := set[k].(type) {
			case string:
				e, err = compileExpr("set", k, v, p.Flow(), false)
			case int, float64, bool: // a constant: total: 0
				e = &expression{src: fmt.Sprint(v), constant: v}
			default:
				err = &ParamError{Param: "set", Key: k, Err: errors.New("want an expression string, found " + describe(v))}
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			s.exprs = append(s.exprs, e)
			for _, r := range e.needs {
				reads[r] = true
			}
		}
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		s.reads = slices.Sorted(maps.Keys(reads))
		s.keys = s.keys[:len(s.exprs)]
		s.evals = evaluate(s.exprs...)
		s.fast = true
		for _, e := range s.exprs {
			s.fast = s.fast && (e.fast != nil || e.prog == nil)
		}
		return s, nil
	},
}

type exprService struct {
	keys  []string
	exprs []*expression
	reads []string
	evals *evaluators // for all the expressions that have one; nil if none
	fast  bool        // every expression is a constant or has a fastForm
}

// put hands ev, from s.evals (nil when s has none), back.
func (s *exprService) put(ev *evaluator) {
	if ev != nil {
		s.evals.put(ev)
	}
}

var (
	_ KeyUser  = (*exprService)(nil)
	_ KeyTyper = (*exprService)(nil)
)

// KeyUses says where each expression reads each key.
func (s *exprService) KeyUses() []KeyUse {
	var out []KeyUse
	for i, e := range s.exprs {
		for _, u := range e.uses {
			u.Param, u.Entry = "set", s.keys[i]
			out = append(out, u)
		}
	}
	return out
}

// KeyTypes gives the keys whose expressions the checker typed.
func (s *exprService) KeyTypes() map[string]any {
	out := map[string]any{}
	for i, e := range s.exprs {
		switch {
		case e.typ != nil:
			out[s.keys[i]] = reflect.Zero(e.typ).Interface()
		case e.prog == nil && e.constant != nil:
			out[s.keys[i]] = e.constant
		}
	}
	return out
}

func (s *exprService) Name() string       { return "expr" }
func (s *exprService) Expects() []string  { return s.reads }
func (s *exprService) Promises() []string { return s.keys }

// Call evaluates every expression against the values from before the call,
// then sets the results. The expressions share one environment: it is
// filled once per call.
func (s *exprService) Call(_ context.Context, c *flow.Context) error {
	if len(s.exprs) == 1 {
		v, err := s.exprs[0].eval(c)
		if err != nil {
			return err
		}
		c.Set(s.keys[0], v)
		return nil
	}
	var buf [8]any // most steps set a few keys: no allocation for them
	out := buf[:0]
	if len(s.exprs) > len(buf) {
		out = make([]any, 0, len(s.exprs))
	}
	if s.fast && s.callFast(c, out) {
		return nil
	}
	var ev *evaluator
	if s.evals != nil {
		ev = s.evals.get(c)
	}
	for _, e := range s.exprs {
		var v any
		var err error
		if e.evals != nil {
			v, err = ev.run(e)
		} else {
			v, err = e.eval(c) // a constant, or $env
		}
		if err != nil {
			s.put(ev)
			return err
		}
		out = append(out, v)
	}
	s.put(ev)
	for i, k := range s.keys {
		c.Set(k, out[i])
	}
	return nil
}

// callFast evaluates the expressions by their fastForms, without an
// evaluator, and sets the results, unless one needs the VM: then it sets
// nothing and returns false.
func (s *exprService) callFast(c *flow.Context, out []any) bool {
	for _, e := range s.exprs {
		v := e.constant
		if e.fast != nil {
			var ok bool
			if v, ok = e.fast.eval(c); !ok {
				return false
			}
		}
		out = append(out, v)
	}
	for i, k := range s.keys {
		c.Set(k, out[i])
	}
	return true
}
