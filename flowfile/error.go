package flowfile

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Error is one problem in a flow file, at a position. Load and Validate
// return every problem they find, joined with errors.Join and sorted by
// position; Errors splits such an error again.
type Error struct {
	File string // the name given to Load, or the path given to LoadFile
	Line int    // 1-based
	Col  int    // 1-based
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// Errors returns the problems in err: the *Error values Load and Validate
// join, in order. An error that is not a join is returned alone.
func Errors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// joinSorted joins errs sorted by position, dropping exact duplicates.
func joinSorted(errs []error) error {
	slices.SortStableFunc(errs, func(a, b error) int {
		var ea, eb *Error
		if !errors.As(a, &ea) || !errors.As(b, &eb) {
			return 0
		}
		return cmp.Or(cmp.Compare(ea.Line, eb.Line), cmp.Compare(ea.Col, eb.Col))
	})
	errs = slices.CompactFunc(errs, func(a, b error) bool { return a.Error() == b.Error() })
	return errors.Join(errs...)
}
