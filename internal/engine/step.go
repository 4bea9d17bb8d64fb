package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// Begin positions a new context at the program's entry.
func (p *Program[C]) Begin(cur *Cursor) {
	cur.frames = cur.frames[:0]
	cur.err = nil
	cur.pc = 0
	if len(p.Nodes) == 0 {
		cur.pc = End
	}
}

// Finished reports whether the context has reached the end of the program.
func (p *Program[C]) Finished(cur *Cursor) bool { return cur.pc == End }

// At is the index of the node the context executes next, or End.
func (p *Program[C]) At(cur *Cursor) int { return cur.pc }

// Err is the error the context is carrying: the one Fail gave it, until a
// decorator handles it. It is nil for a context on its way to Done.
func (p *Program[C]) Err(cur *Cursor) error { return cur.err }

// Step executes the node the context is at and, on success, moves it to the
// next node. For a call node it calls svc (nil means the node's Service): it
// turns a panic into the Rules' Panic error (which matches Fatal), applies
// the stage's Timeout (a timed-out call matches the Rules' Timeout (context.DeadlineExceeded) and Retry; one
// that ignores its context is abandoned, see callTimed) and wraps any error
// with the stage. A decorator's panic becomes the Panic error too. On error the context does not move: the
// caller restarts the service and steps again (Deliver does, for Fatal), or
// calls Fail.
func (p *Program[C]) Step(ctx context.Context, c C, cur *Cursor, svc Service[C]) error {
	n := &p.Nodes[cur.pc]
	switch n.Op {
	case OpCall:
		return p.call(ctx, n, c, cur, svc)
	case OpFork:
		v, _ := p.Rules.Get(c, n.Key)
		target, ok := Lookup(n.routes, v)
		if !ok {
			if n.Default == NoDefault {
				return p.stageError(n, cur, p.Rules.NoBranch(c, n.Key))
			}
			target = n.Default
		}
		cur.pc = target
		return nil
	case OpEnter:
		if err := p.safeBefore(ctx, n.Decorator, c); err != nil {
			return p.stageError(n, cur, err)
		}
		cur.frames = append(cur.frames, n.Exit)
		cur.pc = n.Next
		return nil
	case OpExit:
		// Close the scope first, so an error After returns goes to the
		// enclosing decorator, not back here.
		if k := len(cur.frames); k > 0 && cur.frames[k-1] == cur.pc {
			cur.frames = cur.frames[:k-1]
		}
		in := cur.err
		cur.err = nil
		if err := p.safeAfter(ctx, n.Decorator, c, in); err != nil {
			if err == in {
				return err
			}
			return p.stageError(n, cur, err)
		}
		cur.pc = n.Next
		return nil
	}
	panic(fmt.Sprintf("engine: node %d has unknown op %v", cur.pc, n.Op))
}

func (p *Program[C]) call(ctx context.Context, n *Node[C], c C, cur *Cursor, svc Service[C]) error {
	if svc == nil {
		svc = n.Service
	}
	if n.Config.Timeout > 0 {
		return p.callTimed(ctx, n, c, cur, svc)
	}
	return p.called(n, cur, p.invoke(ctx, n, svc, c), false)
}

// Plain reports whether the node is a call node whose Step is one plain
// call of its service: no Timeout, not batched. A runtime may then step a
// context there with CallPlain instead of Step.
func (n *Node[C]) Plain() bool {
	return n.Op == OpCall && n.Config.Timeout == 0 && !n.Config.Batch.Batched()
}

// CallPlain is Step at a node that Plain reports, with its service svc:
// the call, its panic recovered, its error wrapped with the stage; on
// success the context moves on. It saves the hot path Step's dispatch.
func (p *Program[C]) CallPlain(ctx context.Context, c C, cur *Cursor, svc Service[C]) error {
	n := &p.Nodes[cur.pc]
	if svc == nil {
		svc = n.Service
	}
	return p.called(n, cur, p.safeCall(ctx, svc, c), false)
}

// invoke calls svc on c; a batched stage's service gets a batch of one.
func (p *Program[C]) invoke(ctx context.Context, n *Node[C], svc Service[C], c C) error {
	if b, ok := n.Batcher(svc); ok {
		return p.callOne(ctx, b, c)
	}
	return p.safeCall(ctx, svc, c)
}

// called classifies a call's outcome: on success the context moves on; an
// error is the stage's, and a call whose Timeout passed (timedOut) matches
// Retry and the Rules' Timeout.
func (p *Program[C]) called(n *Node[C], cur *Cursor, err error, timedOut bool) error {
	if err == nil {
		cur.pc = n.Next
		return nil
	}
	if timedOut && !errors.Is(err, p.Rules.Retry) {
		err = p.Rules.AsRetry(&timeoutError{after: n.Config.Timeout, err: err, is: p.Rules.Timeout})
	}
	return p.Rules.Stage(n.Name, cur.attempt, err)
}

func (p *Program[C]) safeCall(ctx context.Context, svc Service[C], c C) (err error) {
	defer func() {
		if r := recover(); r != nil {
			// No logging here: the error carries the stack, and the runtime
			// (or Run's caller) logs it where its logs go.
			err = p.Rules.Panic(r, debug.Stack())
		}
	}()
	return svc.Call(ctx, c)
}

// safeBefore and safeAfter run a decorator, turning a panic into the Rules'
// Panic error like a service's: the input fails with it, and nothing else.
func (p *Program[C]) safeBefore(ctx context.Context, d Decorator[C], c C) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = p.Rules.Panic(r, debug.Stack())
		}
	}()
	return d.Before(ctx, c)
}

func (p *Program[C]) safeAfter(ctx context.Context, d Decorator[C], c C, in error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = p.Rules.Panic(r, debug.Stack())
		}
	}()
	return d.After(ctx, c, in)
}

func (p *Program[C]) stageError(n *Node[C], cur *Cursor, err error) error {
	if _, ok := p.Rules.StageOf(err); ok {
		return err
	}
	return p.Rules.Stage(n.Name, cur.attempt, err)
}

// Fail sends err, which the node the context is at returned, to the
// innermost open decorator's exit, or to the end of the flow when no
// decorator is open.
func (p *Program[C]) Fail(cur *Cursor, err error) {
	if cur.pc >= 0 {
		err = p.stageError(&p.Nodes[cur.pc], cur, err)
	}
	cur.err = err
	if k := len(cur.frames); k > 0 {
		cur.pc = cur.frames[k-1]
		return
	}
	cur.pc = End
}

// Status is how an input ended: the values of flow.Status.
type Status int

// The terminal statuses, numbered as flow's.
const (
	Done Status = iota
	Stopped
	Failed
)

// Outcome is what Finish decides for a finished context: processed again
// after Wait (Retry), or ended with Status and Err.
type Outcome struct {
	Retry  bool
	Wait   time.Duration
	Status Status
	Err    error
}

// Finish classifies a finished context. When the input should be processed
// again it reports Retry with the wait before the next attempt; call Retry
// after waiting. Otherwise the outcome is the input's one result.
func (p *Program[C]) Finish(cur *Cursor) Outcome {
	err := cur.err
	switch {
	case err == nil:
		return Outcome{Status: Done}
	case errors.Is(err, p.Rules.Stopped):
		return Outcome{Status: Stopped, Err: err}
	case errors.Is(err, p.Rules.Retry) && cur.attempt < p.MaxAttempts:
		if w := p.Rules.Wait(err); w > 0 {
			return Outcome{Retry: true, Wait: w}
		}
		return Outcome{Retry: true, Wait: p.RetryBackoff.Delay(cur.attempt)}
	}
	return Outcome{Status: Failed, Err: err}
}

// Retry restores the context's original values, counts a new attempt, and
// positions it at the entry again.
func (p *Program[C]) Retry(c C, cur *Cursor) {
	p.Rules.Restore(c)
	cur.attempt++
	p.Begin(cur)
}

// Abandon ends a context where it is with err, for a run that cannot go on
// (its ctx ended during a retry's backoff): the result's error names the
// stage the last error came from.
func (p *Program[C]) Abandon(cur *Cursor, err error) Outcome {
	stage, _ := p.Rules.StageOf(cur.err)
	cur.err = p.Rules.Stage(stage, cur.attempt, fmt.Errorf("retry abandoned: %w (last error: %w)", err, cur.err))
	cur.pc = End
	return Outcome{Status: Failed, Err: cur.err}
}

// timeoutError is a call that ran past its stage's Timeout: it matches the
// Rules' Timeout sentinel and the call's own error.
type timeoutError struct {
	after time.Duration
	err   error
	is    error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("timed out after %v: %v", e.after, e.err)
}
func (e *timeoutError) Unwrap() []error { return []error{e.is, e.err} }
