package flow

import (
	"errors"
	"fmt"
)

// BatchError is what a BatchService returns when the inputs of a batch had
// different outcomes: Errs[i] is the outcome of the batch's input i, nil when
// it succeeded. Each is classified as a single service's error would be
// (Stop, Retry, Fatal, or a failure).
//
//	errs := flow.NewBatchError(len(batch))
//	for i, c := range batch {
//		if rejected(c) {
//			errs.Set(i, flow.Stop("duplicate"))
//		}
//	}
//	return errs.Err() // nil when every input succeeded
//
// errors.Is and errors.As see the inputs' errors through it, but a runtime
// splits it first: each input gets only its own outcome.
type BatchError struct {
	Errs []error
}

// NewBatchError returns a BatchError for a batch of n inputs, every one a
// success until Set says otherwise.
func NewBatchError(n int) *BatchError { return &BatchError{Errs: make([]error, n)} }

// Set records err as the outcome of input i.
func (e *BatchError) Set(i int, err error) { e.Errs[i] = err }

// Err returns e when some input has an error, else nil: return it from
// CallBatch (a nil *BatchError in an error interface is not nil).
func (e *BatchError) Err() error {
	if e == nil {
		return nil
	}
	for _, err := range e.Errs {
		if err != nil {
			return e
		}
	}
	return nil
}

// Error summarizes the outcomes: how many inputs had errors, and the first.
func (e *BatchError) Error() string {
	n, first := 0, -1
	for i, err := range e.Errs {
		if err != nil {
			n++
			if first < 0 {
				first = i
			}
		}
	}
	if n == 0 {
		return fmt.Sprintf("batch of %d: no errors", len(e.Errs))
	}
	return fmt.Sprintf("batch of %d: %d with errors; input %d: %v", len(e.Errs), n, first, e.Errs[first])
}

// Unwrap returns the inputs' errors.
func (e *BatchError) Unwrap() []error {
	var errs []error
	for _, err := range e.Errs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// SplitBatchError returns what err, returned by a batch call over n inputs,
// means for each input: all nil for nil; a *BatchError's (found with
// errors.As) one by one; err itself for every input otherwise. A BatchError
// with a number of outcomes other than n is a bug in the service: every input
// fails with an error that says so. Runtimes call it; services need not.
func SplitBatchError(err error, n int) []error {
	errs := make([]error, n)
	if err == nil {
		return errs
	}
	var be *BatchError
	if !errors.As(err, &be) {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	if len(be.Errs) != n {
		bad := fmt.Errorf("%w: the service returned %d outcomes for a batch of %d", ErrBatchMismatch, len(be.Errs), n)
		for i := range errs {
			errs[i] = bad
		}
		return errs
	}
	copy(errs, be.Errs)
	return errs
}

// ErrBatchMismatch marks the failure of every input of a batch whose service
// returned a BatchError for a different number of inputs, or a TypedBatch
// function that returned a different number of outputs.
var ErrBatchMismatch = errors.New("batch outcomes do not match its inputs")
