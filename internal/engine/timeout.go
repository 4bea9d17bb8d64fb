package engine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// A Timeout is a promise that a call ends by then, even when the service
// ignores its context. So a call with a Timeout runs in a goroutine of its
// own while the runtime waits for it, its context's deadline, and a short
// grace for a service that honours its context to return; then the call is
// abandoned. Its goroutine still holds the input's context, so the runtime
// carries on with a copy made before the call (Deliver hands it back) and
// replaces the service; the goroutine ends, unowned, if the call ever
// returns, and Stuck counts it until then. A batched node's call is timed
// the same way (StepBatch): one goroutine, and a copy for each input.

// Grace bounds: how long past its Timeout a call may take to return once
// its context is cancelled before it is abandoned: a quarter of the
// Timeout, within these.
const (
	minGrace = 10 * time.Millisecond
	maxGrace = 100 * time.Millisecond
)

func grace(timeout time.Duration) time.Duration { return min(max(timeout/4, minGrace), maxGrace) }

// Stuck is how many calls were abandoned past their Timeout and have not
// returned yet: each holds a goroutine.
func (p *Program[C]) Stuck() int { return int(p.stuck.Load()) }

// A timed call's state: its goroutine and the caller each claim the call
// once, whoever is first.
const (
	running int32 = iota
	returned
	abandoned
)

func (p *Program[C]) callTimed(ctx context.Context, n *Node[C], c C, cur *Cursor, svc Service[C]) error {
	spare := p.Rules.Clone(c) // the input as it is now, should the call keep c
	err, timedOut, cause := p.runTimed(ctx, n.Config.Timeout, func(tctx context.Context) error { return p.invoke(tctx, n, svc, c) })
	if cause != nil {
		return p.abandoned(ctx, n, cur, cause, spare)
	}
	return p.called(n, cur, err, timedOut)
}

// runTimed runs call in a goroutine of its own with a context that ends
// after timeout, and waits for it: the one implementation of a Timeout, for
// a call and a batch call. It returns the call's error and whether its
// Timeout passed; or, when the call did not return within the grace after
// that, the context's error as cause (non-nil): the call is abandoned, and
// Stuck counts its goroutine until it returns.
func (p *Program[C]) runTimed(ctx context.Context, timeout time.Duration, call func(context.Context) error) (err error, timedOut bool, cause error) {
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var state atomic.Int32
	done := make(chan error, 1)
	go func() {
		// Owned by this call until it is abandoned, by nobody after: a
		// goroutine stuck in a service's code can only be left.
		err := call(tctx)
		if state.CompareAndSwap(running, returned) {
			done <- err
			return
		}
		p.stuck.Add(-1)
	}()
	select {
	case err = <-done:
	case <-tctx.Done():
		t := time.NewTimer(grace(timeout))
		select {
		case err = <-done:
			t.Stop()
		case <-t.C:
			p.stuck.Add(1)
			if !state.CompareAndSwap(running, abandoned) {
				p.stuck.Add(-1) // it returned just now
				err = <-done
				break
			}
			return nil, true, tctx.Err()
		}
	}
	return err, errors.Is(tctx.Err(), context.DeadlineExceeded), nil
}

// abandoned is the stage error of an input whose call was abandoned: a
// timeout (matching Retry), or, when the runtime is stopping, not a timeout
// and no retry. It carries spare, the input to carry on with.
func (p *Program[C]) abandoned(ctx context.Context, n *Node[C], cur *Cursor, cause error, spare C) error {
	ab := &abandonedError[C]{after: n.Config.Timeout + grace(n.Config.Timeout), cause: cause, spare: spare}
	if ctx.Err() != nil {
		return p.Rules.Stage(n.Name, cur.attempt, ab)
	}
	return p.Rules.Stage(n.Name, cur.attempt,
		p.Rules.AsRetry(&timeoutError{after: n.Config.Timeout, err: ab, is: p.Rules.Timeout}))
}

// abandonedError is the error of a call that did not return after its
// context ended. It carries the copy of the input the runtime goes on with.
type abandonedError[C any] struct {
	after time.Duration
	cause error
	spare C
	taken bool
}

func (e *abandonedError[C]) Error() string {
	return fmt.Sprintf("the call ignored its context and was abandoned after %v: %v", e.after, e.cause)
}

func (e *abandonedError[C]) Unwrap() error { return e.cause }

// Abandoned reports whether err is that of a call abandoned past its
// Timeout: its goroutine may still be using the input's context, so nobody
// else may read it (a tap, say) until the runtime carries on with the copy.
func (p *Program[C]) Abandoned(err error) bool {
	if err == nil {
		return false
	}
	var ab *abandonedError[C]
	return errors.As(err, &ab)
}

// takeSpare returns the copy of the input an abandoned call left, once.
func (p *Program[C]) takeSpare(err error) (C, bool) {
	var zero C
	if err == nil { // the hot path: errors.As would allocate
		return zero, false
	}
	var ab *abandonedError[C]
	if !errors.As(err, &ab) || ab.taken {
		return zero, false
	}
	spare := ab.spare
	ab.spare, ab.taken = zero, true // the error may outlive the input: keep no context in it
	return spare, true
}
