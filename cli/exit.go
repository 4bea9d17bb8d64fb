package cli

import (
	"errors"
	"fmt"
)

// Exit codes of Execute.
const (
	ExitOK          = 0   // the command completed; some inputs may have failed
	ExitFlowFailed  = 1   // the flow failed: a supervisor escalated
	ExitUsage       = 2   // bad arguments or a flow file that does not load or validate
	ExitInterrupted = 130 // a signal cut the run short (a broker or HTTP source's clean drain is ExitOK)
)

// exitError carries the exit code a command wants. Errors that are not
// exitErrors (cobra's own: unknown commands and flags, wrong argument
// counts) are usage errors.
type exitError struct {
	code  int
	err   error // nil when the command already reported everything
	usage bool  // print the hint to --help
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode returns err with the exit code code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// orCode returns err with the exit code code, unless it carries one
// already (a usage error found deeper down, say).
func orCode(code int, err error) error {
	if e := (*exitError)(nil); errors.As(err, &e) {
		return err
	}
	return withCode(code, err)
}

// usageError is a usage error found by a command itself.
func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...), usage: true}
}

// codeOf is the exit code for err.
func codeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitUsage
}
