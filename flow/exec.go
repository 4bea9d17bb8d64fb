package flow

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// The rules of one step, shared by Run and package actors. A runtime drives a
// context through a Program like this:
//
//	p.Begin(c)
//	for !p.Finished(c) {
//		err := p.Step(ctx, c, instance) // instance: the runtime's copy of the node's service
//		if err != nil {
//			// an OpCall error matching ErrFatal: restart the service and Step again (bounded);
//			// otherwise:
//			p.Fail(c, err)
//		}
//	}
//	result, retry, wait := p.Finish(c) // on retry: wait, then p.Retry(c) and loop

// Begin positions a new context at the program's entry.
func (p *Program) Begin(c *Context) {
	c.frames = c.frames[:0]
	c.err = nil
	c.pc = 0
	if len(p.Nodes) == 0 {
		c.pc = End
	}
}

// Finished reports whether c has reached the end of the program.
func (p *Program) Finished(c *Context) bool { return c.pc == End }

// At is the index of the node c executes next, or End.
func (p *Program) At(c *Context) int { return c.pc }

// Step executes the node c is at and, on success, moves c to the next node.
// For an OpCall node it calls svc (nil means the node's Service): it turns a
// panic into a *PanicError (which matches ErrFatal), applies the stage's
// Timeout (a timed-out call matches ErrTimeout and ErrRetry) and wraps any
// error in a *StageError. On error c does not move: the caller restarts the
// service and steps again (for ErrFatal), or calls Fail.
func (p *Program) Step(ctx context.Context, c *Context, svc Service) error {
	n := &p.Nodes[c.pc]
	switch n.Op {
	case OpCall:
		return p.call(ctx, n, c, svc)
	case OpFork:
		v, _ := c.Get(n.Key)
		target, ok := lookupBranch(n.routes, v)
		if !ok {
			if n.Default == NoDefault {
				return p.stageError(n, c, (&fork{key: n.Key}).noBranch(c))
			}
			target = n.Default
		}
		c.pc = target
		return nil
	case OpEnter:
		if err := n.Decorator.Before(ctx, c); err != nil {
			return p.stageError(n, c, err)
		}
		c.frames = append(c.frames, n.Exit)
		c.pc = n.Next
		return nil
	case OpExit:
		// Close the scope first, so an error After returns goes to the
		// enclosing decorator, not back here.
		if k := len(c.frames); k > 0 && c.frames[k-1] == c.pc {
			c.frames = c.frames[:k-1]
		}
		in := c.err
		c.err = nil
		if err := n.Decorator.After(ctx, c, in); err != nil {
			if err == in {
				return err
			}
			return p.stageError(n, c, err)
		}
		c.pc = n.Next
		return nil
	}
	panic(fmt.Sprintf("flow: node %d has unknown op %v", c.pc, n.Op))
}

func (p *Program) call(ctx context.Context, n *Node, c *Context, svc Service) error {
	if svc == nil {
		svc = n.Service
	}
	if n.Config.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, n.Config.Timeout)
		defer cancel()
	}
	err := safeCall(ctx, svc, c)
	if err == nil {
		c.pc = n.Next
		return nil
	}
	if n.Config.Timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, ErrRetry) {
		err = Retry(&timeoutError{d: n.Config.Timeout, err: err})
	}
	return &StageError{Stage: n.Name, Attempt: c.attempt, Err: err}
}

func safeCall(ctx context.Context, svc Service, c *Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			// No logging here: the error carries the stack, and the runtime
			// (or Run's caller) logs it where its logs go.
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return svc.Call(ctx, c)
}

type timeoutError struct {
	d   time.Duration
	err error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("timed out after %v: %v", e.d, e.err)
}
func (e *timeoutError) Unwrap() []error { return []error{ErrTimeout, e.err} }

func (p *Program) stageError(n *Node, c *Context, err error) error {
	var se *StageError
	if errors.As(err, &se) {
		return err
	}
	return &StageError{Stage: n.Name, Attempt: c.attempt, Err: err}
}

// Fail sends err, which the node c is at returned, to the innermost open
// decorator's exit, or to the end of the flow when no decorator is open.
func (p *Program) Fail(c *Context, err error) {
	if c.pc >= 0 {
		err = p.stageError(&p.Nodes[c.pc], c, err)
	}
	c.err = err
	if k := len(c.frames); k > 0 {
		c.pc = c.frames[k-1]
		return
	}
	c.pc = End
}

// Finish classifies a finished context. When the input should be processed
// again it reports retry with the wait before the next attempt; call Retry(c)
// after waiting. Otherwise r is the input's one result.
func (p *Program) Finish(c *Context) (r Result, retry bool, wait time.Duration) {
	err := c.err
	switch {
	case err == nil:
		return Result{Context: c, Status: Done}, false, 0
	case errors.Is(err, ErrStopped):
		return Result{Context: c, Status: Stopped, Err: err}, false, 0
	case errors.Is(err, ErrRetry) && c.attempt < p.RetryPolicy.Attempts():
		var re *RetryError
		if errors.As(err, &re) && re.Wait > 0 {
			return Result{}, true, re.Wait
		}
		return Result{}, true, p.RetryPolicy.Backoff.Delay(c.attempt)
	}
	return Result{Context: c, Status: Failed, Err: err}, false, 0
}

// Retry restores c's original values, counts a new attempt, and positions c
// at the entry again.
func (p *Program) Retry(c *Context) {
	c.reset()
	p.Begin(c)
}

// Err is the error c is carrying: the one Fail gave it, until a decorator
// handles it. It is nil for a context on its way to Done.
func (p *Program) Err(c *Context) error { return c.err }
