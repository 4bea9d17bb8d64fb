package engine

import (
	"context"
	"errors"
	"fmt"
)

// Instance is a runtime's running copy of one call node's service: a
// lazily started one in flow.Run, an actor's in package actors.
type Instance[C any] interface {
	// Step runs the context at the node through the instance's current
	// service (Program.Step with it, plus whatever the runtime does around
	// a call). gen identifies the service that ran, for Restart.
	Step(ctx context.Context, c C, cur *Cursor) (gen uint64, err error)
	// Restart replaces the service that ran as gen after it failed with
	// cause (an error matching Fatal, or a panic); n counts the restarts
	// for this input, from 1. It returns once a new service is started, or
	// with the error that gave up (the runtime's restart budget, ctx). A
	// service another input restarted since gen ran is not restarted again.
	Restart(ctx context.Context, gen uint64, cause error, n int) error
}

// Deliver steps the context at a call node through in: the Fatal and
// redelivery rule, the same in every runtime. Every Fatal error (or panic)
// restarts the service, and the input is redelivered to the new one at most
// p.Redeliveries times; after the last failure the service is restarted
// too, so the input after a poison one finds a working service. Deliver
// returns nil once the context moved on, or the error to Fail it with.
//
// It also returns the context to carry on with: c, or, when a call was
// abandoned past its Timeout (its goroutine keeps c), a copy of c made
// before that call. The service the abandoned call holds is restarted like
// after Fatal, and the error (a timeout, matching Retry) goes the way of
// any other.
func (p *Program[C]) Deliver(ctx context.Context, c C, cur *Cursor, in Instance[C]) (C, error) {
	gen, err := in.Step(ctx, c, cur)
	if err == nil {
		return c, nil
	}
	return p.Redeliver(ctx, c, cur, in, gen, err)
}

// Redeliver is Deliver after the first step, which ran as gen and failed
// with err: a runtime that made that step itself (see Plain) carries on
// here with its error.
func (p *Program[C]) Redeliver(ctx context.Context, c C, cur *Cursor, in Instance[C], gen uint64, err error) (C, error) {
	for n := 1; err != nil && errors.Is(err, p.Rules.Fatal); n++ {
		if rerr := in.Restart(ctx, gen, err, n); rerr != nil {
			return c, fmt.Errorf("%w (restart failed: %w)", err, rerr)
		}
		if n > p.Redeliveries {
			if p.Redeliveries == 0 {
				return c, fmt.Errorf("%w (not redelivered: the flow's restart policy allows no redelivery)", err)
			}
			return c, fmt.Errorf("%w (gave up after %d redeliveries)", err, p.Redeliveries)
		}
		gen, err = in.Step(ctx, c, cur)
	}
	if spare, ok := p.takeSpare(err); ok {
		if rerr := in.Restart(ctx, gen, err, 1); rerr != nil {
			err = fmt.Errorf("%w (restart failed: %w)", err, rerr)
		}
		return spare, err
	}
	return c, err
}
