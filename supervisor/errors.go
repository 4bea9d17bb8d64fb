package supervisor

import (
	"errors"
	"fmt"
	"time"
)

// ErrEscalated matches every *EscalationError: a supervisor exceeded its
// restart intensity and gave up on its children.
var ErrEscalated = errors.New("supervisor: restart intensity exceeded")

// ErrUnknownChild is returned, wrapped with the names involved, when Failed
// is called with a name that is not one of the supervisor's children.
var ErrUnknownChild = errors.New("supervisor: unknown child")

// EscalationError reports that a supervisor gave up: restarting Child would
// have been its Restarts+1-th restart within Within. Err is the failure that
// tipped it over. errors.Is matches both ErrEscalated and Err.
type EscalationError struct {
	Supervisor string        // name of the supervisor that gave up
	Child      string        // child whose failure exceeded the intensity
	Restarts   int           // restarts already inside the window
	Within     time.Duration // window length
	Err        error         // the last failure of Child (a Start error when restarts kept failing)
}

// Error reads like
// `supervisor "flow": child "db" restarted 20 times within 10s; giving up: <cause>`.
func (e *EscalationError) Error() string {
	times := "times"
	if e.Restarts == 1 {
		times = "time"
	}
	msg := fmt.Sprintf("supervisor %q: child %q restarted %d %s within %v; giving up",
		e.Supervisor, e.Child, e.Restarts, times, e.Within)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrEscalated and the cause, so errors.Is and errors.As see
// both.
func (e *EscalationError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrEscalated}
	}
	return []error{ErrEscalated, e.Err}
}
