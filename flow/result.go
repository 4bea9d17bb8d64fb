package flow

import "fmt"

// Status is how an input ended.
type Status int

// The terminal statuses. Every input ends with exactly one.
const (
	Done    Status = iota // every step ran
	Stopped               // a service called Stop; not a failure
	Failed                // an error no retry or restart could cure
)

func (s Status) String() string {
	switch s {
	case Done:
		return "done"
	case Stopped:
		return "stopped"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText encodes the status as its name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error {
	switch string(b) {
	case "done":
		*s = Done
	case "stopped":
		*s = Stopped
	case "failed":
		*s = Failed
	default:
		return fmt.Errorf("flow: unknown status %q", b)
	}
	return nil
}

// Result is the outcome of one input: its context (with the original input
// available from Context.Input), its status, and for Stopped and Failed the
// error, a *StageError naming the stage and the attempt.
type Result struct {
	Context *Context
	Status  Status
	Err     error
}
