package registry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/serviceflow/serviceflow/flow"
)

var chaosSpec = Spec{
	Doc: "Injects failures at given rates, for demos and tests of Stop, Retry, Fatal and panics. " +
		"Each call draws once: with probability stop it returns flow.Stop, then retry flow.Retry, " +
		"then fatal flow.Fatal, then panic it panics; otherwise it does nothing. " +
		"With a seed, a synchronous run draws the same sequence every time (with concurrency or " +
		"the actor runtime, which input gets which draw depends on scheduling). Not for production flows.",
	Params: []Param{
		{Name: "stop", Type: "float", Doc: "rate of flow.Stop, in [0, 1]"},
		{Name: "retry", Type: "float", Doc: "rate of flow.Retry"},
		{Name: "fatal", Type: "float", Doc: "rate of flow.Fatal (the service is restarted)"},
		{Name: "panic", Type: "float", Doc: "rate of panics (turned into Fatal)"},
		{Name: "seed", Type: "int", Doc: "seed for reproducible runs; default random"},
	},
	Expects: []string{}, Promises: []string{},
	Build: func(p Params) (flow.Service, error) {
		s := &chaosService{}
		var errs []error
		sum := 0.0
		for i, name := range chaosKinds {
			r, err := p.Float(name)
			if err == nil && (r < 0 || r > 1) {
				err = &ParamError{Param: name, Err: fmt.Errorf("want a rate in [0, 1], found %v", r)}
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			sum += r
			s.cum[i] = sum
		}
		if len(errs) == 0 && sum > 1+1e-9 {
			errs = append(errs, &ParamError{Param: "stop", Err: fmt.Errorf("the rates add up to %v, more than 1", sum)})
		}
		seed, err := p.Int("seed")
		if err != nil {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		s1, s2 := uint64(seed), uint64(seed)^0x9e3779b97f4a7c15
		if !p.Has("seed") {
			s1, s2 = rand.Uint64(), rand.Uint64()
		}
		s.rng = rand.New(rand.NewPCG(s1, s2))
		return s, nil
	},
}

var chaosKinds = [...]string{"stop", "retry", "fatal", "panic"}

// ErrChaos is wrapped by every error the chaos service injects.
var ErrChaos = errors.New("chaos: injected failure")

type chaosService struct {
	cum [len(chaosKinds)]float64 // cumulative rates

	mu  sync.Mutex // guards rng: calls may run concurrently
	rng *rand.Rand
}

func (s *chaosService) Name() string       { return "chaos" }
func (s *chaosService) Expects() []string  { return []string{} }
func (s *chaosService) Promises() []string { return []string{} }

func (s *chaosService) Call(_ context.Context, c *flow.Context) error {
	s.mu.Lock()
	r := s.rng.Float64()
	s.mu.Unlock()
	switch {
	case r < s.cum[0]:
		return flow.Stop("chaos: injected stop")
	case r < s.cum[1]:
		return flow.Retry(fmt.Errorf("%w: retry (attempt %d)", ErrChaos, c.Attempt()))
	case r < s.cum[2]:
		return flow.Fatal(fmt.Errorf("%w: fatal", ErrChaos))
	case r < s.cum[3]:
		panic("chaos: injected panic")
	}
	return nil
}
