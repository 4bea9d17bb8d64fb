package snapshot

import (
	"context"
	"errors"
)

// Source is a running flow as a monitor sees it: snapshots to read and a few
// controls. *actors.Runtime implements it, and so does monitor.Client for a
// flow in another process; the terminal UI and the monitor endpoint take it.
//
// Every control takes a ctx that bounds the call: a remote source gives up
// when ctx ends and says so in its error; a local one returns at once. A nil
// error means the control took effect (or already had: pausing a paused
// flow is not an error); an error means it did not, and says why (the flow
// is draining, the endpoint cannot be reached).
//
// Implementations must be safe for concurrent use: a monitor calls Snapshot
// from a background command while the user may ask to pause, replay or drain.
type Source interface {
	// Snapshot returns a copy of the flow's current state. It does not
	// fail: a source that cannot get a fresh picture returns its last one
	// in state Failed with the reason in Err. A remote source bounds the
	// call by its own timeout.
	Snapshot() Snapshot
	// Pause stops intake; in-flight inputs still finish.
	Pause(ctx context.Context) error
	// Resume restarts intake after Pause.
	Resume(ctx context.Context) error
	// Replay resubmits the dead letters with the given IDs (all of them when
	// none are given) and returns how many it took to replay.
	Replay(ctx context.Context, ids ...uint64) (int, error)
	// Drain stops intake for good and blocks until in-flight inputs have
	// finished or ctx is done. A source that watches a flow it does not own
	// (a client attached to another process) does nothing and returns an
	// error matching ErrNotOwner: the flow's owner decides when it ends,
	// and a monitor quitting just detaches.
	Drain(ctx context.Context) error
}

// ErrNotOwner is matched by the error of Drain on a Source that watches a flow
// another process owns: nothing was drained.
var ErrNotOwner = errors.New("snapshot: this source watches a flow it does not own, so it does not drain it")
