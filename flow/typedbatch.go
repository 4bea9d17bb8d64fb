package flow

import (
	"context"
	"fmt"

	"github.com/serviceflow/serviceflow/internal/engine"
)

// TypedBatch is Batch over structs, as Typed is Func over structs: each
// input's context is bound to an In by its `flow:"key"` tags, fn gets the
// batch's Ins and returns one Out per In, in order, which is merged into that
// input's context. An input whose keys do not bind fails alone (with its
// ErrMissingKey or ErrWrongType error) and is left out of ins.
//
// fn's error is read as Batch's: nil, one error for all, or a BatchError
// whose indices are positions in ins. Outputs are merged only for inputs that
// succeeded; on success fn must return len(ins) outputs (a different number
// fails the batch with an error that says so). Options are those of Batch.
func TypedBatch[In, Out any](name string, fn func(ctx context.Context, ins []In) ([]Out, error), opts ...StageOption) Service {
	t := newTyped[In, Out](name, nil)
	defaults := []StageOption{MaxBatch(0), Expects(t.expects()...), Promises(t.promises()...)}
	return Stage(newBatchNode(name, t.batch(fn)), append(defaults, opts...)...)
}

// batch is TypedBatch's CallBatch for fn: it binds the batch, calls fn with
// the inputs that bound, and merges the outputs back.
func (t *typedService[In, Out]) batch(fn func(ctx context.Context, ins []In) ([]Out, error)) func(context.Context, []*Context) error {
	return func(ctx context.Context, batch []*Context) error { return t.callBatch(ctx, fn, batch) }
}

func (t *typedService[In, Out]) callBatch(ctx context.Context, fn func(ctx context.Context, ins []In) ([]Out, error), batch []*Context) error {
	var errs BatchError // nil while every input succeeds
	fail := func(i int, err error) {
		if errs == nil {
			errs = make(BatchError, len(batch))
		}
		errs[i] = err
	}
	ins := make([]In, 0, len(batch))
	at := make([]int, 0, len(batch)) // ins[j] is batch[at[j]]
	for i, c := range batch {
		in, err := t.bind(c)
		if err != nil {
			fail(i, err)
			continue
		}
		ins = append(ins, in)
		at = append(at, i)
	}
	if len(ins) == 0 {
		return errs.orNil()
	}
	outs, err := fn(ctx, ins)
	if _, ok := outcomes(err); err != nil && !ok && errs == nil {
		return err // one error for all, and all were called
	}
	per := rules.Split(err, len(ins))
	var mismatch error
	if len(outs) != len(ins) {
		mismatch = fmt.Errorf("%w: %q returned %d outputs for %d inputs", engine.ErrBatchMismatch, t.name, len(outs), len(ins))
	}
	for j, i := range at {
		e := per[j]
		if e == nil {
			e = mismatch
		}
		if e != nil {
			fail(i, e)
			continue
		}
		t.write(batch[i], outs[j])
	}
	return errs.orNil()
}
