package supervisor

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Child is one supervised unit, such as a service running in an actor, or
// another *Supervisor.
//
// Name identifies the child within its supervisor and must be unique there.
// Stop releases what the child holds; it may be called on a child that has
// already stopped, failed, or never started, and must then do nothing
// harmful. Start brings the child back; when it returns an error the child
// must be left stopped, and the supervisor counts that error as another
// failure of the child. Both honour ctx. A panic in either is turned into an
// error.
type Child interface {
	Name() string
	Stop(ctx context.Context) error
	Start(ctx context.Context) error
}

// call runs fn (a child's Start or Stop) and turns a panic into an error, so
// a misbehaving child cannot leave the supervisor locked or crash the caller.
func call(child, op string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("supervisor: child %q panicked in %s: %v\n%s", child, op, r, debug.Stack())
		}
	}()
	return fn()
}
