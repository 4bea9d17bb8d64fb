package flowfile

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
)

// Validate checks the flow's wiring with f.Flow.Validate(f.Inputs...) and
// reports each problem at the step that defined the stage concerned, as
// *Error values joined (see Errors): a key a step expects that is neither an
// input nor set upstream on every path, a fork on a key never set, two steps
// with the same name, an empty branch. A key that an expression reads is
// reported at that expression, with a hint when the same step computes it;
// steps that share a name are told apart.
func (f *File) Validate() error {
	var errs []error
	for _, e := range Errors(f.Flow.Validate(f.Inputs...)) {
		var we *flow.WiringError
		if errors.As(e, &we) && !errors.Is(we, flow.ErrDuplicateName) && f.check != nil {
			continue // the check flow reports it, at the right step
		}
		errs = append(errs, f.locate(e))
	}
	if f.check != nil {
		for _, e := range Errors(f.check.Validate(f.Inputs...)) {
			var we *flow.WiringError
			if errors.As(e, &we) && !errors.Is(we, flow.ErrDuplicateName) {
				errs = append(errs, f.locateStep(we))
			}
		}
	}
	return joinSorted(errs)
}

// locateStep reports a problem the check flow found: its stage names are
// unique to a step.
func (f *File) locateStep(we *flow.WiringError) error {
	st, ok := f.checks[we.Stage]
	if !ok {
		return f.locate(we) // a fork: named after its key, as in Flow
	}
	real := *we
	real.Stage = st.name
	msg := strings.TrimPrefix(real.Error(), "flow: ")
	at := st.at
	if reads := st.reads[we.Key]; errors.Is(we, flow.ErrMissingKey) && len(reads) > 0 {
		r := reads[0]
		at = r.at
		what := fmt.Sprintf("the %s: expression", r.param)
		if r.entry != "" {
			what = fmt.Sprintf("the expression for %q", r.entry)
		}
		msg = strings.Replace(msg, fmt.Sprintf("expects key %q", we.Key), fmt.Sprintf("%s reads key %q", what, we.Key), 1)
		if slices.Contains(st.promises, we.Key) && r.entry != "" {
			msg += fmt.Sprintf("; %q is computed in this same step, but every expression of a step sees the values from before it: compute %q in a later step", we.Key, r.entry)
		}
	}
	return &Error{File: f.path, Line: at.line, Col: at.col, Msg: msg}
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
	if ps := f.byName[we.Stage]; errors.Is(we, flow.ErrDuplicateName) && we.Index < len(ps) {
		at, ok = ps[we.Index], true // point at the repeat: the first is fine on its own
		msg = strings.Replace(msg, "give each its own with flow.Stage(s, flow.Name(...))", "give each step its own name (name: ...)", 1)
	}
	if !ok {
		at = f.top
	}
	return &Error{File: f.path, Line: at.line, Col: at.col, Msg: msg}
}
