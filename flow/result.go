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

// String is the status's name: "done", "stopped" or "failed".
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

// Result is the outcome of one input: its context (with the original input
// available from Context.Input), its status, and for Stopped and Failed the
// error, a *StageError naming the stage and the attempt.
type Result struct {
	Context *Context
	Status  Status
	Err     error
}
