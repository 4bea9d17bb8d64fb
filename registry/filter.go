package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/serviceflow/serviceflow/flow"
)

var filterSpec = Spec{
	Doc: "Stops the input (status Stopped, not a failure) unless an expression is true.",
	Params: []Param{
		{Name: "if", Type: "expression", Required: true, Doc: `a boolean expression, e.g. "qty > 0"`},
		{Name: "reason", Type: "string", Doc: "the Stop reason; default: the expression"},
	},
	Keys: "reads the keys the expression uses",
	Build: func(p Params) (flow.Service, error) {
		src, err := p.String("if")
		if err != nil {
			return nil, err
		}
		reason, err := p.String("reason")
		if err != nil {
			return nil, err
		}
		e, err := compileExpr("if", "", src, p.Flow(), true)
		if err != nil {
			return nil, err
		}
		evaluate(e)
		if reason == "" {
			reason = fmt.Sprintf("filter %q is false", src)
		}
		return &filterService{e: e, reason: reason}, nil
	},
}

type filterService struct {
	e      *expression
	reason string
}

var _ KeyUser = (*filterService)(nil)

// KeyUses says where the condition reads each key.
func (s *filterService) KeyUses() []KeyUse {
	out := make([]KeyUse, len(s.e.uses))
	for i, u := range s.e.uses {
		u.Param = "if"
		out[i] = u
	}
	return out
}

func (s *filterService) Name() string       { return "filter" }
func (s *filterService) Expects() []string  { return s.e.needs }
func (s *filterService) Promises() []string { return []string{} }

func (s *filterService) Call(_ context.Context, c *flow.Context) error {
	v, err := s.e.eval(c)
	if err != nil {
		return err
	}
	ok, isBool := v.(bool)
	if !isBool {
		return errors.New("filter: expression " + fmt.Sprintf("%q", s.e.src) + " is not a boolean")
	}
	if !ok {
		return flow.Stop(s.reason)
	}
	return nil
}
