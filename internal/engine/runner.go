package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/serviceflow/serviceflow/backoff"
)

// Runner drives one input at a time through a Program, synchronously, in
// the caller's goroutine: flow.Run. Each call node has one service, started
// when first needed and restarted after the program's RestartBackoff by the
// same Fatal and redelivery rule as the actor runtime's (Deliver). A Runner
// is safe for concurrent use when the services are; restarts of a service
// are serialized.
type Runner[C any] struct {
	p    *Program[C]
	inst []lazy[C]
}

// NewRunner returns a Runner for p that has started nothing.
func NewRunner[C any](p *Program[C]) *Runner[C] {
	r := &Runner[C]{p: p, inst: make([]lazy[C], len(p.Nodes))}
	for i := range r.inst {
		r.inst[i].p, r.inst[i].at = p, i
	}
	return r
}

// Run drives c from the program's entry to its outcome, retrying it as the
// program's retry policy allows (waiting out each backoff, or until ctx
// ends), and returns the outcome's error: nil for Done. It also returns the
// context the outcome is in: c, or the copy that replaced it when a call
// was abandoned past its Timeout (see Deliver).
func (r *Runner[C]) Run(ctx context.Context, c C, cur *Cursor) (C, error) {
	p := r.p
	p.Begin(cur)
	for {
		c, cur = r.Walk(ctx, c, cur)
		out := p.Finish(cur)
		if !out.Retry {
			return c, out.Err
		}
		if err := backoff.Sleep(ctx, out.Wait); err != nil {
			return c, p.Abandon(cur, err).Err
		}
		p.Retry(c, cur)
	}
}

// Call runs c through the program once, from its entry, without retrying
// it, and returns the error it ended with: a flow used as a service.
//
// When a call inside is abandoned past its Timeout, the rest of the walk
// runs on a copy (see Deliver) whose values the caller does not see; the
// error still says how it ended.
func (r *Runner[C]) Call(ctx context.Context, c C, cur *Cursor) error {
	r.p.Begin(cur)
	_, cur = r.Walk(ctx, c, cur)
	return r.p.Err(cur)
}

// Walk steps c until it reaches the end of the program, without retrying
// it: Finish or Err(cur) say how it ended. Once ctx ends, every step but a
// decorator's exit fails with ctx's error. It returns the context and
// cursor it ended with: c's, or those of the copy that replaced c when a
// call was abandoned past its Timeout.
func (r *Runner[C]) Walk(ctx context.Context, c C, cur *Cursor) (C, *Cursor) {
	p := r.p
	for !p.Finished(cur) {
		i := p.At(cur)
		op := p.Nodes[i].Op
		if err := ctx.Err(); err != nil && op != OpExit {
			p.Fail(cur, err)
			continue
		}
		var err error
		if op == OpCall {
			var next C
			next, err = p.Deliver(ctx, c, cur, &r.inst[i])
			if nc := p.Rules.Cursor(next); nc != cur { // replaced: see Deliver
				c, cur = next, nc
			}
		} else {
			err = p.Step(ctx, c, cur, nil)
		}
		if err != nil {
			p.Fail(cur, err)
		}
	}
	return c, cur
}

// Stop stops every started service that has a Stop method and returns their
// errors joined. Services are started again when next needed.
func (r *Runner[C]) Stop(ctx context.Context) error {
	var errs []error
	for i := range r.inst {
		if err := r.inst[i].stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop %q: %w", r.p.Nodes[i].Name, err))
		}
	}
	return errors.Join(errs...)
}

type stopper interface {
	Stop(ctx context.Context) error
}

// lazy is a Runner's copy of one call node's service: an Instance.
type lazy[C any] struct {
	p  *Program[C]
	at int // the node

	mu      sync.Mutex
	started atomic.Bool
	gen     atomic.Uint64 // bumped by every (re)start
	svc     Service[C]
}

// Step calls the service, starting it on first use. A service that does not
// start fails like Fatal, so it is restarted (and the input redelivered) by
// the same rule.
func (in *lazy[C]) Step(ctx context.Context, c C, cur *Cursor) (uint64, error) {
	svc, gen, err := in.service(ctx)
	if err != nil {
		return gen, in.p.Rules.Stage(in.p.Nodes[in.at].Name, cur.attempt, in.p.Rules.AsFatal(fmt.Errorf("start: %w", err)))
	}
	return gen, in.p.Step(ctx, c, cur, svc)
}

// service returns the started service, starting it on first use.
func (in *lazy[C]) service(ctx context.Context) (Service[C], uint64, error) {
	if in.started.Load() {
		return in.svc, in.gen.Load(), nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	gen := in.gen.Load()
	if in.started.Load() {
		return in.svc, gen, nil
	}
	svc, err := in.p.Start(ctx, in.at)
	if err != nil {
		return nil, gen, err
	}
	in.svc = svc
	in.gen.Add(1)
	in.started.Store(true)
	return svc, gen + 1, nil
}

// Restart waits the program's RestartBackoff, then stops the service and
// starts it (or a new build) again. A service another caller restarted
// since gen ran is not restarted twice.
func (in *lazy[C]) Restart(ctx context.Context, gen uint64, cause error, n int) error {
	if err := backoff.Sleep(ctx, in.p.RestartBackoff.Delay(n)); err != nil {
		return fmt.Errorf("restart abandoned: %w", err)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.gen.Load() != gen && in.started.Load() {
		return nil
	}
	if in.started.Load() {
		_ = in.p.Stop(ctx, in.svc) // a failing Stop must not prevent the restart
	}
	in.started.Store(false)
	in.svc = nil
	svc, err := in.p.Start(ctx, in.at)
	if err != nil {
		return err
	}
	in.svc = svc
	in.gen.Add(1)
	in.started.Store(true)
	return nil
}

func (in *lazy[C]) stop(ctx context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	var err error
	if in.started.Load() {
		err = in.p.Stop(ctx, in.svc)
	}
	in.started.Store(false)
	in.svc = nil
	return err
}
