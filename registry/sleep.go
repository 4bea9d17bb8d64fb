package registry

import (
	"context"
	"errors"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

var sleepSpec = Spec{
	Doc: "Waits for a while (simulated work); returns early with the context's error when cancelled.",
	Params: []Param{
		{Name: "for", Type: "duration", Required: true, Doc: `how long, e.g. "10ms"`},
	},
	Expects: []string{}, Promises: []string{},
	Build: func(p Params) (flow.Service, error) {
		d, err := p.Duration("for")
		if err != nil {
			return nil, err
		}
		if d == 0 {
			return nil, &ParamError{Param: "for", Err: errors.New("want a positive duration")}
		}
		return &sleepService{d: d}, nil
	},
}

type sleepService struct{ d time.Duration }

func (s *sleepService) Name() string       { return "sleep" }
func (s *sleepService) Expects() []string  { return []string{} }
func (s *sleepService) Promises() []string { return []string{} }

func (s *sleepService) Call(ctx context.Context, _ *flow.Context) error {
	t := time.NewTimer(s.d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
