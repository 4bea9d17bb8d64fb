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
// returns, and Stuck counts it until then.

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
	tctx, cancel := context.WithTimeout(ctx, n.Config.Timeout)
	defer cancel()
	var state atomic.Int32
	done := make(chan error, 1)
	go func() {
		// Owned by this call until it is abandoned, by nobody after: a
		// goroutine stuck in a service's code can only be left.
		err := p.invoke(tctx, n, svc, c)
		if state.CompareAndSwap(running, returned) {
			done <- err
			return
		}
		p.stuck.Add(-1)
	}()
	var err error
	select {
	case err = <-done:
	case <-tctx.Done():
		t := time.NewTimer(grace(n.Config.Timeout))
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
			ab := &abandonedError[C]{after: n.Config.Timeout + grace(n.Config.Timeout), cause: tctx.Err(), spare: spare}
			if ctx.Err() != nil { // the runtime is stopping, not a timeout: no retry
				return p.Rules.Stage(n.Name, cur.attempt, ab)
			}
			return p.Rules.Stage(n.Name, cur.attempt,
				p.Rules.AsRetry(&timeoutError{after: n.Config.Timeout, err: ab, is: p.Rules.Timeout}))
		}
	}
	return p.called(n, cur, err, tctx)
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
