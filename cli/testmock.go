package cli

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/serviceflow/serviceflow/flow"
)

// mockService stands in for a mocked step: it sets its outputs and
// succeeds, or returns its fixed error. It declares the keys of the service
// it replaces (and promises its outputs too), so the flow validates as
// written. It takes batches too, so a step with batch: can be mocked.
type mockService struct {
	m        mock
	err      error
	expects  []string
	promises []string
}

var (
	_ interface {
		CallBatch(context.Context, []*flow.Context) error
	} = (*mockService)(nil)
	_ flow.KeyDeclarer = (*mockService)(nil)
)

// newMock returns the service for m in place of orig.
func newMock(m mock, orig flow.Service) flow.Service {
	s := &mockService{m: m}
	switch m.kind {
	case "stop":
		s.err = flow.Stop(m.msg)
	case "retry":
		s.err = flow.Retry(errors.New(m.msg))
	case "fatal":
		s.err = flow.Fatal(errors.New(m.msg))
	case "error":
		s.err = errors.New(m.msg)
	}
	expects, promises, declares := flow.KeysOf(orig)
	if !declares {
		return &undeclaredMock{s}
	}
	s.expects = expects
	s.promises = slices.Sorted(maps.Keys(m.outputs))
	for _, k := range promises {
		if !slices.Contains(s.promises, k) {
			s.promises = append(s.promises, k)
		}
	}
	return s
}

// Call sets the outputs or returns the fixed error.
func (s *mockService) Call(_ context.Context, c *flow.Context) error {
	if s.err != nil {
		return s.err
	}
	for k, v := range s.m.outputs {
		c.Set(k, v)
	}
	return nil
}

// CallBatch is Call for each input of batch.
func (s *mockService) CallBatch(ctx context.Context, batch []*flow.Context) error {
	for _, c := range batch {
		if err := s.Call(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// Name is the mocked step's name.
func (s *mockService) Name() string { return s.m.stage }

// Expects are the replaced service's.
func (s *mockService) Expects() []string { return s.expects }

// Promises are the replaced service's and the outputs.
func (s *mockService) Promises() []string { return s.promises }

// undeclaredMock mocks a service that declares no keys: it declares none
// either, so Validate treats it as the original.
type undeclaredMock struct{ s *mockService }

func (u *undeclaredMock) Call(ctx context.Context, c *flow.Context) error { return u.s.Call(ctx, c) }

func (u *undeclaredMock) CallBatch(ctx context.Context, b []*flow.Context) error {
	return u.s.CallBatch(ctx, b)
}

func (u *undeclaredMock) Name() string { return u.s.Name() }
