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
	// found and no Default branch; the message names the key and the value.
	ErrNoBranch = errors.New("no branch for value")
	// ErrMissingKey is returned when a service needs a context key that is
	// not set, and reported by Validate for a key no step sets; the message
	// names the key and the type wanted.
	ErrMissingKey = errors.New("missing key")
	// ErrWrongType is returned when a context value cannot be converted to
	// the type a service wants; the message names the key, the wanted and
	// the found type, and shows the value.
	ErrWrongType = errors.New("wrong type")
	// ErrDuplicateName is matched by Validate's WiringError for a stage
	// named like another stage that can run for the same input.
	ErrDuplicateName = errors.New("duplicate stage name")
)

// Stop ends the current input early with status Stopped. Later services do
// not run. The returned error matches ErrStopped.
func Stop(reason string) error {
	s := newSignal(ErrStopped, nil)
	s.msg = reason
	return s
}

// Retry asks for the input to be processed again from the start of the flow,
// from its original values, after the flow's Policy.Backoff, or after the
// delay err asks for when it (or an error it wraps) has a method
// RetryAfter() time.Duration returning more than 0 (an HTTP 429's
// Retry-After, say). When the policy's attempts are exhausted the input
// fails with err. The returned error matches ErrRetry and wraps err.
func Retry(err error) error { return newSignal(ErrRetry, err) }

// Fatal reports a failure after which the service must be restarted: its Stop
// and Start are called (or it is built anew by its factory) and the input is
// redelivered to it, a bounded number of times. The returned error matches
// ErrFatal and wraps err.
func Fatal(err error) error { return newSignal(ErrFatal, err) }

// signal is the error Stop, Retry and Fatal return: it matches
// its kind (ErrStopped, ErrRetry, ErrFatal) and wraps err.
type signal struct {
	kind error
	err  error
	msg  string   // Stop's reason
	errs [2]error // what Unwrap returns, without an allocation per call
}

func newSignal(kind, err error) *signal {
	s := &signal{kind: kind, err: err}
	s.errs = [2]error{kind, err}
	return s
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

// Unwrap returns the signal's kind and the error it wraps, if any.
func (e *signal) Unwrap() []error {
	if e.err == nil {
		return e.errs[:1]
	}
	return e.errs[:]
}

// retryWait is the delay a Retry error asks for (see Retry); 0 for the
// policy's backoff.
func retryWait(err error) time.Duration {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return max(ra.RetryAfter(), 0)
	}
	return 0
}

// PanicError is what a panicking service (or decorator) is turned into: a
// Fatal error wrapping a *PanicError, so the service is restarted like after
// Fatal (errors.As finds the PanicError). Package flow logs
// nothing: log Stack where your logs go (package actors logs it with its
// Logger).
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

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

// missingKey is the error for key not set, when a value of type want is
// needed. It matches ErrMissingKey.
func missingKey(key, want string) error {
	return fmt.Errorf("%w %q (want %s)", ErrMissingKey, key, want)
}

// wrongType is the error for key holding v (of type found), which does not
// convert to want; cause is why, if known. It matches ErrWrongType and cause.
func wrongType(key, want, found string, v any, cause error) error {
	msg := fmt.Sprintf("key %q: want %s, found %s", key, want, found)
	if v != nil {
		msg += " " + preview(v)
	}
	if cause != nil {
		return fmt.Errorf("%w for %s: %w", ErrWrongType, msg, cause)
	}
	return fmt.Errorf("%w for %s", ErrWrongType, msg)
}
