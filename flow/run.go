package flow

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/serviceflow/serviceflow/backoff"
)

// Run processes one input through the flow, synchronously, in the caller's
// goroutine, and returns its context. The error is nil when the input is
// Done, matches ErrStopped when a service stopped it, and otherwise is the
// *StageError that failed it.
//
// Retry errors run the flow again from the original input after the retry
// policy's backoff. Fatal errors and panics restart the service (its Stop,
// then Start, or a fresh Build) and redeliver the input to it, a bounded
// number of times. Services implementing Starter are started when first
// needed; call Stop to release them. Cancelling ctx stops the run between
// steps and during backoffs (decorators' After still runs).
//
// Run is safe for concurrent use when the flow's services are; restarts of a
// service are serialized.
func (f *Flow) Run(ctx context.Context, input map[string]any) (*Context, error) {
	r, err := f.getRunner()
	if err != nil {
		return nil, err
	}
	res := r.run(ctx, NewContext(input))
	return res.Context, res.Err
}

// runner is Run's executor: one lazily started instance per OpCall node.
type runner struct {
	p    *Program
	inst []instance
}

type instance struct {
	mu      sync.Mutex
	started atomic.Bool
	svc     Service
}

func newRunner(p *Program) *runner {
	return &runner{p: p, inst: make([]instance, len(p.Nodes))}
}

// run drives c to its result, retrying as the policy allows.
func (r *runner) run(ctx context.Context, c *Context) Result {
	r.p.Begin(c)
	for {
		r.walk(ctx, c)
		res, retry, wait := r.p.Finish(c)
		if !retry {
			return res
		}
		if err := backoff.Sleep(ctx, wait); err != nil {
			c.err = &StageError{Stage: stageOf(c.err), Attempt: c.attempt, Err: fmt.Errorf("retry abandoned: %w (last error: %w)", err, c.err)}
			return Result{Context: c, Status: Failed, Err: c.err}
		}
		r.p.Retry(c)
	}
}

func stageOf(err error) string {
	var se *StageError
	if errors.As(err, &se) {
		return se.Stage
	}
	return ""
}

// walk steps c until it reaches the end of the program.
func (r *runner) walk(ctx context.Context, c *Context) {
	p := r.p
	for !p.Finished(c) {
		i := p.At(c)
		n := &p.Nodes[i]
		if err := ctx.Err(); err != nil && n.Op != OpExit {
			p.Fail(c, err)
			continue
		}
		var svc Service
		if n.Op == OpCall {
			var err error
			if svc, err = r.instance(ctx, i); err != nil {
				p.Fail(c, Fatal(fmt.Errorf("start: %w", err)))
				continue
			}
		}
		err := p.Step(ctx, c, svc)
		for k := 1; err != nil && n.Op == OpCall && errors.Is(err, ErrFatal); k++ {
			if k > p.RestartPolicy.Redeliveries() {
				err = fmt.Errorf("%w (gave up after %d restarts)", err, k-1)
				break
			}
			if serr := backoff.Sleep(ctx, p.RestartPolicy.Backoff.Delay(k)); serr != nil {
				err = fmt.Errorf("%w (restart abandoned: %w)", err, serr)
				break
			}
			if svc, err = r.restart(ctx, i, svc); err != nil {
				err = Fatal(fmt.Errorf("restart: %w", err))
				break
			}
			err = p.Step(ctx, c, svc)
		}
		if err != nil {
			p.Fail(c, err)
		}
	}
}

// instance returns node i's started service, starting it on first use.
func (r *runner) instance(ctx context.Context, i int) (Service, error) {
	in := &r.inst[i]
	if in.started.Load() {
		return in.svc, nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.started.Load() {
		return in.svc, nil
	}
	svc, err := r.start(ctx, i)
	if err != nil {
		return nil, err
	}
	in.svc = svc
	in.started.Store(true)
	return svc, nil
}

func (r *runner) start(ctx context.Context, i int) (Service, error) {
	return r.p.Nodes[i].Start(ctx)
}

// restart stops node i's service and starts it (or a new build) again. A
// concurrent Run that already restarted it since failed was called is not
// restarted twice.
func (r *runner) restart(ctx context.Context, i int, failed Service) (Service, error) {
	in := &r.inst[i]
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.started.Load() && in.svc != failed {
		return in.svc, nil
	}
	if s, ok := in.svc.(Stopper); ok && in.started.Load() {
		_ = s.Stop(ctx) // a failing Stop must not prevent the restart
	}
	in.started.Store(false)
	svc, err := r.start(ctx, i)
	if err != nil {
		return nil, err
	}
	in.svc = svc
	in.started.Store(true)
	return svc, nil
}

func (r *runner) stopAll(ctx context.Context) error {
	var errs []error
	for i := range r.inst {
		in := &r.inst[i]
		in.mu.Lock()
		if s, ok := in.svc.(Stopper); ok && in.started.Load() {
			if err := s.Stop(ctx); err != nil {
				errs = append(errs, fmt.Errorf("stop %q: %w", r.p.Nodes[i].Name, err))
			}
		}
		in.started.Store(false)
		in.svc = nil
		in.mu.Unlock()
	}
	return errors.Join(errs...)
}
