package registry

import (
	"context"
	"errors"

	"github.com/serviceflow/serviceflow/flow"
)

var deleteSpec = Spec{
	Doc: "Deletes keys; deleting a key that is not set does nothing.",
	Params: []Param{
		{Name: "keys", Type: "list of strings", Required: true, Doc: "the keys to delete"},
	},
	Expects: []string{}, Promises: []string{},
	Build: func(p Params) (flow.Service, error) {
		keys, err := p.Strings("keys")
		if err != nil {
			return nil, err
		}
		if len(keys) == 0 {
			return nil, &ParamError{Param: "keys", Err: errors.New("want at least one key")}
		}
		return &deleteService{keys: keys}, nil
	},
}

type deleteService struct{ keys []string }

func (s *deleteService) Name() string       { return "delete" }
func (s *deleteService) Expects() []string  { return []string{} }
func (s *deleteService) Promises() []string { return []string{} }

func (s *deleteService) Call(_ context.Context, c *flow.Context) error {
	for _, k := range s.keys {
		c.Delete(k)
	}
	return nil
}
