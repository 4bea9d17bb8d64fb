package flow

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors a caller can test for with errors.Is.
var (
	// ErrStopped marks an input that a service ended early with Stop.
	// It is not a failure: the input's status is Stopped.
	ErrStopped = errors.New("flow stopped")
	// ErrRetry marks an error that asks for the input to be processed
	// again from the start of the flow, from its original values.
	ErrRetry = errors.New("retry")
	// ErrFatal marks an error (or a panic) after which the service must be
	// restarted before it can take the input again.
	ErrFatal = errors.New("fatal")
	// ErrNoBranch is returned by a fork with no branch for the value it
	// found and no Default branch.
	ErrNoBranch = errors.New("no branch for value")
	// ErrMissingKey is returned when a service needs a context key that is
	// not set.
	ErrMissingKey = errors.New("missing key")
	// ErrWrongType is returned when a context value cannot be converted to
	// the type a service wants.
	ErrWrongType = errors.New("wrong type")
	// ErrTimeout marks a call that exceeded its stage's Timeout. Such a call
	// is retried like Retry.
	ErrTimeout = errors.New("timeout")
)

// Stop ends the current input early with status Stopped. Later services do
// not run. The returned error matches ErrStopped.
func Stop(reason string) error { return &signal{kind: ErrStopped, msg: reason} }

// Retry asks for the input to be processed again from the start of the flow,
// from its original values, after the flow's retry backoff. When the retry
// policy's attempts are exhausted the input fails with err. The returned error
// matches ErrRetry and wraps err.
func Retry(err error) error { return &signal{kind: ErrRetry, err: err} }

// RetryAfter is Retry with a delay chosen by the service (say, from a
// Retry-After header) instead of the policy's backoff.
func RetryAfter(err error, wait time.Duration) error {
	return &signal{kind: ErrRetry, err: err, wait: wait}
}

// Fatal reports a failure after which the service must be restarted: its Stop
// and Start are called (or it is built anew by its factory) and the input is
// redelivered to it, a bounded number of times. The returned error matches
// ErrFatal and wraps err.
func Fatal(err error) error { return &signal{kind: ErrFatal, err: err} }

// signal is the error Stop, Retry, RetryAfter and Fatal return: it matches
// its kind (ErrStopped, ErrRetry, ErrFatal) and wraps err.
type signal struct {
	kind error
	err  error
	msg  string        // Stop's reason
	wait time.Duration // RetryAfter's delay; 0 for the policy's backoff
}

func (e *signal) Error() string {
	switch {
	case e.kind == ErrStopped && e.msg == "":
		return "stopped"
	case e.kind == ErrStopped:
		return "stopped: " + e.msg
	case e.err == nil:
		return e.kind.Error()
	}
	return e.kind.Error() + ": " + e.err.Error()
}
func (e *signal) Unwrap() error        { return e.err }
func (e *signal) Is(target error) bool { return target == e.kind }

// retryWait is the delay a RetryAfter error in err's chain asks for; 0 for
// the policy's backoff.
func retryWait(err error) time.Duration {
	switch e := err.(type) {
	case nil:
		return 0
	case *signal:
		if e.kind == ErrRetry {
			return e.wait
		}
	case interface{ Unwrap() []error }:
		for _, err := range e.Unwrap() {
			if w := retryWait(err); w > 0 {
				return w
			}
		}
		return 0
	}
	return retryWait(errors.Unwrap(err))
}

// PanicError is the error a panicking service is turned into. It matches
// ErrFatal, so the service is restarted like after Fatal. Package flow logs
// nothing: log Stack where your logs go (package actors logs it with its
// Logger).
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string        { return fmt.Sprintf("panic: %v", e.Value) }
func (e *PanicError) Is(target error) bool { return target == ErrFatal }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// StageError is the error Run and the actor runtime report for an input that
// did not finish Done: which stage produced it, on which attempt, and why.
// errors.Is and errors.As see through it to Err.
type StageError struct {
	Stage   string // the stage (service, fork or decorator) that returned the error
	Attempt int    // 1 for the first attempt, 2 after one retry, ...
	Err     error
}

func (e *StageError) Error() string {
	if e.Attempt > 1 {
		return fmt.Sprintf("stage %q (attempt %d): %v", e.Stage, e.Attempt, e.Err)
	}
	return fmt.Sprintf("stage %q: %v", e.Stage, e.Err)
}
func (e *StageError) Unwrap() error { return e.Err }

// KeyError reports a context key that is missing or holds a value of the
// wrong type. It matches ErrMissingKey or ErrWrongType.
type KeyError struct {
	Key   string
	Want  string // the Go type wanted
	Found string // the Go type found; "" when the key is missing
	Value string // a short preview of the value found
	Err   error  // the conversion failure, if any
}

func (e *KeyError) Error() string {
	if e.Found == "" {
		return fmt.Sprintf("key %q: missing (want %s)", e.Key, e.Want)
	}
	msg := fmt.Sprintf("key %q: want %s, found %s", e.Key, e.Want, e.Found)
	if e.Value != "" {
		msg += " " + e.Value
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is reports ErrMissingKey or ErrWrongType.
func (e *KeyError) Is(target error) bool {
	if e.Found == "" {
		return target == ErrMissingKey
	}
	return target == ErrWrongType
}

// Unwrap returns the conversion failure, if any.
func (e *KeyError) Unwrap() error { return e.Err }

// BranchError is the error a fork returns when no branch matches the value
// and there is no Default. It matches ErrNoBranch.
type BranchError struct {
	Key   string
	Value any
}

func (e *BranchError) Error() string {
	return fmt.Sprintf("fork on %q: no branch for value %s", e.Key, preview(e.Value))
}
func (e *BranchError) Is(target error) bool { return target == ErrNoBranch }
