package flow

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/internal/engine"
)

// Run processes one input through the flow, synchronously, in the caller's
// goroutine, and returns its context. The error is nil when the input is
// Done, matches ErrStopped when a service stopped it, and otherwise is the
// *StageError that failed it.
//
// Retry errors run the flow again from the original input after the retry
// policy's backoff. Fatal errors and panics restart the service (its Stop,
// then Start, or a fresh Build) after the restart policy's backoff, and
// redeliver the input to it a bounded number of times; the service is
// restarted after the last failure too, so the next input finds a working
// one. The actor runtime applies the same rule. Services implementing
// Starter are started when first needed; call Stop to release them.
// Cancelling ctx stops the run between steps and during backoffs
// (decorators' After still runs).
//
// Run is safe for concurrent use when the flow's services are; restarts of a
// service are serialized.
func (f *Flow) Run(ctx context.Context, input map[string]any) (*Context, error) {
	r, err := f.getRunner()
	if err != nil {
		return nil, err
	}
	c := NewContext(input)
	err = r.run(ctx, c)
	return c, err
}

// runner is Run's executor: one lazily started instance per call node.
type runner struct {
	p    *program
	inst []instance
}

// instance is Run's copy of one call node's service. It implements
// engine.Instance.
type instance struct {
	r  *runner
	at int // the node

	mu      sync.Mutex
	started atomic.Bool
	gen     atomic.Uint64 // bumped by every (re)start
	svc     engine.Service[*Context]
}

func newRunner(p *program) *runner {
	r := &runner{p: p, inst: make([]instance, len(p.Nodes))}
	for i := range r.inst {
		r.inst[i].r, r.inst[i].at = r, i
	}
	return r
}

// run drives c to its result, retrying as the policy allows, and returns
// Run's error.
func (r *runner) run(ctx context.Context, c *Context) error {
	p, cur := r.p, &c.cur
	p.Begin(cur)
	for {
		r.walk(ctx, c)
		out := p.Finish(cur)
		if !out.Retry {
			return out.Err
		}
		if err := backoff.Sleep(ctx, out.Wait); err != nil {
			return p.Abandon(cur, err).Err
		}
		p.Retry(c, cur)
	}
}

// walk steps c until it reaches the end of the program.
func (r *runner) walk(ctx context.Context, c *Context) {
	p, cur := r.p, &c.cur
	for !p.Finished(cur) {
		i := p.At(cur)
		op := p.Nodes[i].Op
		if err := ctx.Err(); err != nil && op != engine.OpExit {
			p.Fail(cur, err)
			continue
		}
		var err error
		if op == engine.OpCall {
			err = p.Deliver(ctx, c, cur, &r.inst[i])
		} else {
			err = p.Step(ctx, c, cur, nil)
		}
		if err != nil {
			p.Fail(cur, err)
		}
	}
}

// Step implements engine.Instance: it calls the service, starting it on
// first use. A service that does not start fails like Fatal, so it is
// restarted (and the input redelivered) by the same rule.
func (in *instance) Step(ctx context.Context, c *Context, cur *engine.Cursor) (uint64, error) {
	svc, gen, err := in.service(ctx)
	if err != nil {
		return gen, &StageError{Stage: in.r.p.Nodes[in.at].Name, Attempt: cur.Attempt(), Err: Fatal(fmt.Errorf("start: %w", err))}
	}
	return gen, in.r.p.Step(ctx, c, cur, svc)
}

// service returns the started service, starting it on first use.
func (in *instance) service(ctx context.Context) (engine.Service[*Context], uint64, error) {
	if in.started.Load() {
		return in.svc, in.gen.Load(), nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	gen := in.gen.Load()
	if in.started.Load() {
		return in.svc, gen, nil
	}
	svc, err := in.r.p.Nodes[in.at].Start(ctx)
	if err != nil {
		return nil, gen, err
	}
	in.svc = svc
	in.gen.Add(1)
	in.started.Store(true)
	return svc, gen + 1, nil
}

// Restart implements engine.Instance: after the restart policy's backoff it
// stops the service and starts it (or a new build) again. A service another
// Run restarted since gen ran is not restarted twice.
func (in *instance) Restart(ctx context.Context, gen uint64, cause error, n int) error {
	if err := backoff.Sleep(ctx, in.r.p.RestartBackoff.Delay(n)); err != nil {
		return fmt.Errorf("restart abandoned: %w", err)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.gen.Load() != gen && in.started.Load() {
		return nil
	}
	if s, ok := in.svc.(Stopper); ok && in.started.Load() {
		_ = s.Stop(ctx) // a failing Stop must not prevent the restart
	}
	in.started.Store(false)
	in.svc = nil
	svc, err := in.r.p.Nodes[in.at].Start(ctx)
	if err != nil {
		return err
	}
	in.svc = svc
	in.gen.Add(1)
	in.started.Store(true)
	return nil
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
