package registry

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/serviceflow/serviceflow/flow"
)

var renameSpec = Spec{
	Doc: "Renames keys: from: a, to: b, or keys: {a: b, c: d}. A missing key fails the input.",
	Params: []Param{
		{Name: "from", Type: "string", Doc: "the key to rename (with to)"},
		{Name: "to", Type: "string", Doc: "its new name (with from)"},
		{Name: "keys", Type: "map of strings", Doc: "old: new pairs, instead of from and to"},
	},
	Keys: "reads the old names; writes the new ones",
	Build: func(p Params) (flow.Service, error) {
		from, err := p.String("from")
		if err != nil {
			return nil, err
		}
		to, err := p.String("to")
		if err != nil {
			return nil, err
		}
		keys, err := p.StringMap("keys")
		if err != nil {
			return nil, err
		}
		switch {
		case p.Has("keys") && (p.Has("from") || p.Has("to")):
			return nil, &ParamError{Param: "keys", Err: errors.New("give either from and to, or keys, not both")}
		case p.Has("from") != p.Has("to"):
			missing := "to"
			if !p.Has("from") {
				missing = "from"
			}
			return nil, &ParamError{Param: missing, Missing: true, Err: errors.New("from and to go together")}
		case p.Has("from"):
			keys = map[string]string{from: to}
		}
		if len(keys) == 0 {
			return nil, &ParamError{Param: "keys", Missing: true, Err: errors.New("want from and to, or keys: {old: new}")}
		}
		s := &renameService{known: p.Flow().KeyTypes}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if k == "" || keys[k] == "" {
				return nil, &ParamError{Param: "keys", Key: k, Err: errors.New("empty key name")}
			}
			s.from = append(s.from, k)
			s.to = append(s.to, keys[k])
		}
		return s, nil
	},
}

type renameService struct {
	from, to []string
	known    map[string]any // the types known where it was built
}

var _ KeyTyper = (*renameService)(nil)

// KeyTypes carries the old keys' known types to the new names.
func (s *renameService) KeyTypes() map[string]any {
	out := map[string]any{}
	for i, k := range s.from {
		if ex, ok := s.known[k]; ok {
			out[s.to[i]] = ex
		}
	}
	return out
}

func (s *renameService) Name() string       { return "rename" }
func (s *renameService) Expects() []string  { return s.from }
func (s *renameService) Promises() []string { return s.to }

// Call renames all keys at once, so {a: b, b: a} swaps them.
func (s *renameService) Call(_ context.Context, c *flow.Context) error {
	vals := make([]any, len(s.from))
	for i, k := range s.from {
		v, ok := c.Get(k)
		if !ok {
			return fmt.Errorf("%w %q (want a value to rename to %s)", flow.ErrMissingKey, k, s.to[i])
		}
		vals[i] = v
	}
	for _, k := range s.from {
		c.Delete(k)
	}
	for i, k := range s.to {
		c.Set(k, vals[i])
	}
	return nil
}
