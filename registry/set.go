package registry

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/serviceflow/serviceflow/flow"
)

var setSpec = Spec{
	Doc: "Sets constant values.",
	Params: []Param{
		{Name: "values", Type: "map", Required: true, Doc: "key: value pairs to set"},
	},
	Keys: "writes the keys of values",
	Build: func(p Params) (flow.Service, error) {
		vals, err := p.Map("values")
		if err != nil {
			return nil, err
		}
		if len(vals) == 0 {
			return nil, &ParamError{Param: "values", Err: errors.New("want at least one key: value")}
		}
		s := &setService{keys: slices.Sorted(maps.Keys(vals))}
		for _, k := range s.keys {
			s.vals = append(s.vals, vals[k])
		}
		return s, nil
	},
}

type setService struct {
	keys []string
	vals []any
}

func (s *setService) Name() string       { return "set" }
func (s *setService) Expects() []string  { return []string{} }
func (s *setService) Promises() []string { return s.keys }

// Call sets the values. Mappings and lists are copied, so a service that
// changes one in one input does not change it for the next.
var _ KeyTyper = (*setService)(nil)

// KeyTypes gives each value's type (a null has none).
func (s *setService) KeyTypes() map[string]any {
	out := make(map[string]any, len(s.keys))
	for i, k := range s.keys {
		if s.vals[i] != nil {
			out[k] = s.vals[i]
		}
	}
	return out
}

func (s *setService) Call(_ context.Context, c *flow.Context) error {
	for i, k := range s.keys {
		c.Set(k, deepCopy(s.vals[i]))
	}
	return nil
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
