package flowfile

import (
	"errors"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
)

// Validate checks the flow's wiring with f.Flow.Validate(f.Inputs...) and
// reports each problem at the step that defined the stage concerned, as
// *Error values joined (see Errors): a key a step expects that is neither an
// input nor set upstream on every path, a fork on a key never set, two steps
// with the same name, an empty branch.
func (f *File) Validate() error {
	err := f.Flow.Validate(f.Inputs...)
	if err == nil {
		return nil
	}
	var errs []error
	for _, e := range Errors(err) {
		errs = append(errs, f.locate(e))
	}
	return joinSorted(errs)
}

func (f *File) locate(err error) error {
	var we *flow.WiringError
	if !errors.As(err, &we) {
		return &Error{File: f.path, Line: f.top.line, Col: f.top.col, Msg: strings.TrimPrefix(err.Error(), "flow: ")}
	}
	at, ok := f.stages[stageAt{we.Path, we.Stage}]
	if !ok {
		if ps := f.byName[we.Stage]; len(ps) > 0 {
			at, ok = ps[0], true
		}
	}
	msg := strings.TrimPrefix(we.Error(), "flow: ")
	if ps := f.byName[we.Stage]; we.Kind == flow.DuplicateName && we.Index < len(ps) {
		at, ok = ps[we.Index], true // point at the repeat: the first is fine on its own
		msg = strings.Replace(msg, "give each its own with flow.Stage(s, flow.Name(...))", "give each step its own name (name: ...)", 1)
	}
	if !ok {
		at = f.top
	}
	return &Error{File: f.path, Line: at.line, Col: at.col, Msg: msg}
}
