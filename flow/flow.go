package flow

import (
	"context"
	"sync"

	"github.com/serviceflow/serviceflow/internal/engine"
)

// Flow is a sequence of steps: services, forks, decorators and other flows.
// It is itself a Service, so flows nest. Build it with New and Then, then run
// it with Run (one input) or package actors (a stream). A Flow must not be
// changed after it first runs.
type Flow struct {
	name   string
	steps  []Service
	policy Policy

	mu     sync.Mutex
	runner *engine.Runner[*Context] // built on first Run
}

// New returns a flow running steps in order: the seed's
// Service1() >> Service2() >> ... .
func New(steps ...Service) *Flow {
	return &Flow{name: "flow", steps: steps}
}

// Then appends steps to f and returns f.
func (f *Flow) Then(steps ...Service) *Flow {
	f.mustBeConfigurable("Then")
	f.steps = append(f.steps, steps...)
	return f
}

// Named sets the flow's name (default "flow"; NameOf reads it) and returns f.
func (f *Flow) Named(name string) *Flow {
	f.mustBeConfigurable("Named")
	f.name = name
	return f
}

// WithPolicy sets how the flow treats Retry and Fatal errors and returns f.
func (f *Flow) WithPolicy(p Policy) *Flow {
	f.mustBeConfigurable("WithPolicy")
	f.policy = p
	return f
}

// stageName is the flow's name, for NameOf.
func (f *Flow) stageName() string { return f.name }

func (f *Flow) mustBeConfigurable(method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.runner != nil {
		panic("flow: " + method + " called on flow " + f.name + " after it started running")
	}
}

// Call runs the flow's steps on c, so a flow can be used as a service. Within
// another flow its steps are inlined instead; Call is for using a flow from
// your own code. It applies no Policy: a Retry error is returned.
func (f *Flow) Call(ctx context.Context, c *Context) error {
	r, err := f.getRunner()
	if err != nil {
		return err
	}
	saved := c.cur
	defer func() { c.cur = saved }()
	return r.Call(ctx, c, &c.cur)
}

// Stop stops every service that Run started (those with a Stop method) and
// returns their errors joined. The flow can run again afterwards; services
// are started again when next needed.
func (f *Flow) Stop(ctx context.Context) error {
	f.mu.Lock()
	r := f.runner
	f.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.Stop(ctx)
}

func (f *Flow) getRunner() (*engine.Runner[*Context], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.runner == nil {
		p, err := compile(f)
		if err != nil {
			return nil, err
		}
		f.runner = engine.NewRunner(p)
	}
	return f.runner, nil
}
