package engine

import "time"

// Rules are package flow's error values and context operations, which the
// engine applies without importing flow. One Rules value serves every
// Program of a context type.
type Rules[C any] struct {
	// Sentinels matched with errors.Is: a Fatal error restarts the service
	// and redelivers the input, a Retry error runs the input again from the
	// start, a Stopped one ends it early with status Stopped.
	Fatal, Retry, Stopped error
	// Timeout is matched by a call that ran past its stage's Timeout.
	Timeout error
	// AsRetry wraps err so that it matches Retry (flow.Retry).
	AsRetry func(err error) error
	// AsFatal wraps err so that it matches Fatal (flow.Fatal).
	AsFatal func(err error) error

	// Stage wraps err as the error of stage on attempt (a *flow.StageError).
	Stage func(stage string, attempt int, err error) error
	// StageOf is the stage err names, and whether it names one.
	StageOf func(err error) (string, bool)
	// Panic turns a recovered panic into an error matching Fatal.
	Panic func(value any, stack []byte) error
	// Wait is the delay a Retry error asks for; 0 for the policy's backoff.
	Wait func(err error) time.Duration
	// Outcomes finds the per-input outcomes in a batch call's error (a
	// flow.BatchError in its chain), and reports whether there are any; see
	// Split.
	Outcomes func(err error) ([]error, bool)
	// NoBranch is a fork's error for a value no branch takes.
	NoBranch func(c C, key string) error

	// Get reads a context value, for forks.
	Get func(c C, key string) (any, bool)
	// Restore puts a context's original values back, for a retry.
	Restore func(c C)
	// Clone copies a context, values and cursor, with its ID: the stand-in
	// a runtime carries on with when a call that holds the context is
	// abandoned (see Deliver).
	Clone func(c C) C
	// Cursor is the context's Cursor, for runtimes that hold only a C.
	Cursor func(c C) *Cursor
	// Original is a new context with the same ID and the values c was
	// created with, at attempt 1. It is safe to call while another goroutine
	// owns c: a runtime reports an input it abandons with it.
	Original func(c C) C
}
