package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"
)

// BatchService is what a batched call node runs: a service with a CallBatch
// method (flow.Batch makes one).
type BatchService[C any] interface {
	Service[C]
	CallBatch(ctx context.Context, batch []C) error
}

// BatchFunc is a BatchService of two functions: what package flow compiles
// its Batch and TypedBatch services to.
type BatchFunc[C any] struct {
	One  func(ctx context.Context, c C) error       // Call: a batch of one
	Many func(ctx context.Context, batch []C) error // CallBatch
}

func (b *BatchFunc[C]) Call(ctx context.Context, c C) error { return b.One(ctx, c) }

func (b *BatchFunc[C]) CallBatch(ctx context.Context, batch []C) error { return b.Many(ctx, batch) }

// Batcher returns svc as a BatchService when node n is batched and svc
// takes batches; otherwise the node runs one input per Call.
func (n *Node[C]) Batcher(svc Service[C]) (BatchService[C], bool) {
	if n.Op != OpCall || !n.Config.Batch.Batched() {
		return nil, false
	}
	b, ok := svc.(BatchService[C])
	return b, ok
}

// BatchInstance is an Instance that also runs batches: a batching runtime's
// copy of a batched node's service.
type BatchInstance[C any] interface {
	Instance[C]
	// StepBatch runs the contexts, all at the node, through the instance's
	// current service (Program.StepBatch with it), setting errs[i] to the
	// outcome of cs[i]. gen identifies the service that ran, for Restart.
	StepBatch(ctx context.Context, cs []C, curs []*Cursor, errs []error) (gen uint64)
}

// StepBatch calls a batched node's service once for cs, which are all at
// node, and moves each context that succeeded to the next node. errs[i] gets
// cs[i]'s outcome, wrapped with the stage like Step's errors: the Rules split
// the service's error into one per input (a per-input error value, or one
// error for all). A panic is one Fatal error for all; a call that runs out of
// the stage's Timeout is a Retry for each input that did not succeed, and
// one that ignores its context is abandoned like a single call (callTimed):
// every input gets the timeout, carrying a copy of it from before the call
// for DeliverBatch.
func (p *Program[C]) StepBatch(ctx context.Context, node int, cs []C, curs []*Cursor, svc BatchService[C], errs []error) {
	n := &p.Nodes[node]
	var err error
	timedOut := false
	if n.Config.Timeout > 0 {
		batch := slices.Clone(cs) // the call may outlive the caller's slice
		spares := make([]C, len(cs))
		for i, c := range cs {
			spares[i] = p.Rules.Clone(c)
		}
		var cause error
		err, timedOut, cause = p.runTimed(ctx, n.Config.Timeout, func(tctx context.Context) error { return p.safeCallBatch(tctx, svc, batch) })
		if cause != nil {
			for i, cur := range curs {
				errs[i] = p.abandoned(ctx, n, cur, cause, spares[i])
			}
			return
		}
	} else {
		err = p.safeCallBatch(ctx, svc, cs)
	}
	if err == nil {
		for i, cur := range curs {
			cur.pc = n.Next
			errs[i] = nil
		}
		return
	}
	per := p.Rules.Split(err, len(cs))
	for i, cur := range curs {
		e := per[i]
		if e == nil {
			cur.pc = n.Next
			errs[i] = nil
			continue
		}
		if timedOut && !errors.Is(e, p.Rules.Retry) {
			e = p.Rules.AsRetry(&timeoutError{after: n.Config.Timeout, err: e, is: p.Rules.Timeout})
		}
		errs[i] = p.Rules.Stage(n.Name, cur.attempt, e)
	}
}

func (p *Program[C]) safeCallBatch(ctx context.Context, svc BatchService[C], cs []C) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = p.Rules.Panic(r, debug.Stack())
		}
	}()
	return svc.CallBatch(ctx, cs)
}

// callOne is a batched node's call in a runtime that does not batch
// (flow.Run): a batch of one.
func (p *Program[C]) callOne(ctx context.Context, svc BatchService[C], c C) error {
	one := [1]C{c}
	err := p.safeCallBatch(ctx, svc, one[:])
	if err == nil {
		return nil
	}
	return p.Rules.Split(err, 1)[0]
}

// The defaults of a batched stage (flow.Batch, flow.MaxBatch, flow.MaxWait).
const (
	DefaultBatchSize = 100                   // inputs per call
	DefaultBatchWait = 10 * time.Millisecond // longest wait for a batch to fill
)

// ErrBatchMismatch marks the failure of every input of a batch whose service
// gave a number of outcomes (or a TypedBatch function a number of outputs)
// other than the number of inputs.
var ErrBatchMismatch = errors.New("batch outcomes do not match its inputs")

// Split returns what err, returned by a batch call over n inputs, means for
// each input: all nil for nil; the per-input outcomes the Rules' Outcomes
// finds, one by one (none at all means every input succeeded); err itself
// for every input otherwise. A number of outcomes other than n is a bug in
// the service: every input fails with an error that says so.
func (r *Rules[C]) Split(err error, n int) []error {
	errs := make([]error, n)
	if err == nil {
		return errs
	}
	per, ok := r.Outcomes(err)
	switch {
	case !ok:
		for i := range errs {
			errs[i] = err
		}
	case len(per) == 0:
	case len(per) != n:
		bad := fmt.Errorf("%w: the service returned %d outcomes for a batch of %d", ErrBatchMismatch, len(per), n)
		for i := range errs {
			errs[i] = bad
		}
	default:
		copy(errs, per)
	}
	return errs
}

// DeliverBatch is Deliver for a batch: the Fatal and redelivery rule, the
// same as for one input. The inputs whose outcome is Fatal (or all, after a
// panic) restart the service once per round and are redelivered together,
// at most p.Redeliveries times; the others keep their outcome. errs[i] gets
// cs[i]'s: nil once it moved on, else the error to Fail it with.
//
// When a batch call was abandoned past its Timeout (its goroutine keeps the
// contexts), cs[i] and curs[i] are replaced by the copy of each made before
// that call, and the service is restarted once, as Deliver does for one.
func (p *Program[C]) DeliverBatch(ctx context.Context, cs []C, curs []*Cursor, in BatchInstance[C], errs []error) {
	gen := p.deliverBatch(ctx, cs, curs, in, errs)
	var restartErr error
	restarted := false
	for i, err := range errs {
		spare, ok := p.takeSpare(err)
		if !ok {
			continue
		}
		if !restarted {
			restarted = true
			restartErr = in.Restart(ctx, gen, err, 1)
		}
		if restartErr != nil {
			errs[i] = fmt.Errorf("%w (restart failed: %w)", err, restartErr)
		}
		cs[i], curs[i] = spare, p.Rules.Cursor(spare)
	}
}

// deliverBatch is DeliverBatch's Fatal and redelivery loop; it returns the
// generation of the service that ran last.
func (p *Program[C]) deliverBatch(ctx context.Context, cs []C, curs []*Cursor, in BatchInstance[C], errs []error) uint64 {
	gen := in.StepBatch(ctx, cs, curs, errs)
	var again []int // indices of the inputs to redeliver
	for i, err := range errs {
		if err != nil && errors.Is(err, p.Rules.Fatal) {
			again = append(again, i)
		}
	}
	var subCs []C
	var subCurs []*Cursor
	var subErrs []error
	for n := 1; len(again) > 0; n++ {
		cause := errs[again[0]]
		if rerr := in.Restart(ctx, gen, cause, n); rerr != nil {
			for _, i := range again {
				errs[i] = fmt.Errorf("%w (restart failed: %w)", errs[i], rerr)
			}
			return gen
		}
		if n > p.Redeliveries {
			for _, i := range again {
				if p.Redeliveries == 0 {
					errs[i] = fmt.Errorf("%w (not redelivered: the flow's restart policy allows no redelivery)", errs[i])
				} else {
					errs[i] = fmt.Errorf("%w (gave up after %d redeliveries)", errs[i], p.Redeliveries)
				}
			}
			return gen
		}
		subCs, subCurs, subErrs = subCs[:0], subCurs[:0], subErrs[:0]
		for _, i := range again {
			subCs, subCurs, subErrs = append(subCs, cs[i]), append(subCurs, curs[i]), append(subErrs, nil)
		}
		gen = in.StepBatch(ctx, subCs, subCurs, subErrs)
		still := again[:0]
		for j, i := range again {
			errs[i] = subErrs[j]
			if subErrs[j] != nil && errors.Is(subErrs[j], p.Rules.Fatal) {
				still = append(still, i)
			}
		}
		again = still
	}
	return gen
}
