package stream

import "context"

// DefaultWindow is a source's window when none is set: twice the actor
// runtime's default MaxInFlight (1024). Set a source's window to twice the
// runtime's MaxInFlight (flowrun does): the records in the runtime, and as
// many again finished and waiting for their commit.
const DefaultWindow = 2 * 1024

// A Window bounds how many records a source has handed out and not yet
// committed back to it (a Kafka offset committed, a file checkpoint saved,
// a JetStream ack received by the server): those are what a crash makes a
// restarted consumer read again, so they bound the duplicates a crash can
// cause. A source takes a slot before it hands out a record and gives
// slots back as its commits cover records; it commits early once half the
// window is finished and waiting (besides its timer, its drain and a
// revoke), so a full window never waits long.
//
// A nil *Window bounds nothing. It is safe for concurrent use.
type Window struct {
	slots chan struct{}
}

// NewWindow returns a window of size slots (DefaultWindow if size <= 0).
func NewWindow(size int) *Window {
	if size <= 0 {
		size = DefaultWindow
	}
	return &Window{slots: make(chan struct{}, size)}
}

// Size returns how many records the window holds at most (0 for nil).
func (w *Window) Size() int {
	if w == nil {
		return 0
	}
	return cap(w.slots)
}

// Half is the count of finished, uncommitted records at which a source
// commits without waiting for its timer: half the window, at least 1.
func (w *Window) Half() int {
	return max(1, w.Size()/2)
}

// Open returns how many records hold a slot: handed out, not committed.
func (w *Window) Open() int {
	if w == nil {
		return 0
	}
	return len(w.slots)
}

// Acquire takes a slot for one record, blocking while the window is full,
// until a commit gives slots back or ctx ends (returning its error).
func (w *Window) Acquire(ctx context.Context) error {
	if w == nil {
		return nil
	}
	select {
	case w.slots <- struct{}{}:
		return nil
	default:
	}
	select {
	case w.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release gives back n slots: n records were committed, or forgotten (a
// revoked partition's, a record not handed out after all). It never
// blocks; releasing more than are held panics.
func (w *Window) Release(n int) {
	if w == nil {
		return
	}
	for range n {
		select {
		case <-w.slots:
		default:
			panic("stream: Window.Release of a slot not acquired")
		}
	}
}
