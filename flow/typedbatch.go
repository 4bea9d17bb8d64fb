package flow

import (
	"context"
	"errors"
	"fmt"
)

// TypedBatch is Batch over structs, as Typed is Func over structs: each
// input's context is bound to an In by its `flow:"key"` tags, fn gets the
// batch's Ins and returns one Out per In, in order, which is merged into that
// input's context. An input whose keys do not bind fails alone (with its
// ErrMissingKey or ErrWrongType error) and is left out of ins.
//
// fn's error is read as CallBatch's: nil, one error for all, or a *BatchError
// whose indices are positions in ins. Outputs are merged only for inputs that
// succeeded; on success fn must return len(ins) outputs (a different number
// fails the batch with ErrBatchMismatch). Options are those of Batch.
func TypedBatch[In, Out any](name string, fn func(ctx context.Context, ins []In) ([]Out, error), opts ...StageOption) Service {
	s := &typedBatch[In, Out]{t: newTyped[In, Out](name, nil), fn: fn}
	return Stage(s, append([]StageOption{MaxBatch(DefaultBatchSize)}, opts...)...)
}

type typedBatch[In, Out any] struct {
	t  *typedService[In, Out] // the bindings
	fn func(ctx context.Context, ins []In) ([]Out, error)
}

var _ BatchService = (*typedBatch[struct{}, struct{}])(nil)

func (s *typedBatch[In, Out]) stageName() string  { return s.t.name }
func (s *typedBatch[In, Out]) Expects() []string  { return s.t.expects() }
func (s *typedBatch[In, Out]) Promises() []string { return s.t.promises() }

// Call processes c as a batch of one.
func (s *typedBatch[In, Out]) Call(ctx context.Context, c *Context) error {
	return CallOne(ctx, s, c)
}

// CallBatch binds the batch, calls fn with the inputs that bound, and merges
// the outputs back.
func (s *typedBatch[In, Out]) CallBatch(ctx context.Context, batch []*Context) error {
	var errs *BatchError
	ins := make([]In, 0, len(batch))
	at := make([]int, 0, len(batch)) // ins[j] is batch[at[j]]
	for i, c := range batch {
		in, err := s.t.bind(c)
		if err != nil {
			if errs == nil {
				errs = NewBatchError(len(batch))
			}
			errs.Set(i, err)
			continue
		}
		ins = append(ins, in)
		at = append(at, i)
	}
	if len(ins) == 0 {
		return errs.Err()
	}
	outs, err := s.fn(ctx, ins)
	if err != nil && errs == nil {
		if be := (*BatchError)(nil); !errors.As(err, &be) {
			return err // one error for all, and all were called
		}
	}
	per := SplitBatchError(err, len(ins))
	var mismatch error
	if len(outs) != len(ins) {
		mismatch = fmt.Errorf("%w: %q returned %d outputs for %d inputs", ErrBatchMismatch, s.t.name, len(outs), len(ins))
	}
	if errs == nil {
		errs = NewBatchError(len(batch))
	}
	for j, i := range at {
		e := per[j]
		if e == nil {
			e = mismatch
		}
		if e != nil {
			errs.Set(i, e)
			continue
		}
		s.t.write(batch[i], outs[j])
	}
	return errs.Err()
}
