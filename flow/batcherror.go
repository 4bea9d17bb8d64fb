package flow

import (
	"errors"
	"fmt"
)

// BatchError is what a batch function (Batch, or a service's own CallBatch)
// returns when the inputs of a batch had different outcomes: one error per
// input, in the batch's order, nil for an input that succeeded. Each is
// classified as a single service's error would be (Stop, Retry, Fatal, or a
// failure).
//
//	errs := make(flow.BatchError, len(batch))
//	for i, c := range batch {
//		if rejected(c) {
//			errs[i] = flow.Stop("duplicate")
//		}
//	}
//	return errs
//
// A BatchError without a non-nil error (a nil one too) means that every input
// succeeded. One with a length other than the batch's is a bug in the
// service, and fails every input of the batch with a message that says so.
// Any other error returned from a batch call is the outcome of every input.
// The runtime splits a BatchError (found with errors.As): each input gets
// only its own outcome, and errors.Is reads that, not the BatchError.
type BatchError []error

// Error summarizes the outcomes: how many inputs had errors, and the first.
func (e BatchError) Error() string {
	n, first := 0, -1
	for i, err := range e {
		if err != nil {
			n++
			if first < 0 {
				first = i
			}
		}
	}
	if n == 0 {
		return fmt.Sprintf("batch of %d: no errors", len(e))
	}
	return fmt.Sprintf("batch of %d: %d with errors; input %d: %v", len(e), n, first, e[first])
}

// outcomes is the Rules' Outcomes: the BatchError in err's chain.
func outcomes(err error) ([]error, bool) {
	var be BatchError
	if !errors.As(err, &be) {
		return nil, false
	}
	return be, true
}

// orNil is e as an error: nil when e is nil.
func (e BatchError) orNil() error {
	if e == nil {
		return nil
	}
	return e
}
