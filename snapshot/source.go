package snapshot

import "context"

// Source is a running flow as a monitor sees it: snapshots to read and a few
// controls. *actors.Runtime implements it, and so does monitor.Client for a
// flow in another process; the terminal UI and the monitor endpoint take it.
//
// Implementations must be safe for concurrent use: a monitor calls Snapshot
// from a background command while the user may ask to pause, replay or drain.
type Source interface {
	// Snapshot returns a copy of the flow's current state.
	Snapshot() Snapshot
	// Pause stops intake; in-flight inputs still finish.
	Pause()
	// Resume restarts intake after Pause.
	Resume()
	// Replay resubmits the dead letters with the given IDs (all of them when
	// none are given) and returns how many were replayed.
	Replay(ids ...uint64) (int, error)
	// Drain stops intake for good and blocks until in-flight inputs have
	// finished or ctx is done.
	Drain(ctx context.Context) error
}
