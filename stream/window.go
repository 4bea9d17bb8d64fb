package stream

import "context"

// DefaultWindow is a source's window when none is set: WindowFor the actor
// runtime's default MaxInFlight (1024).
const DefaultWindow = windowPerInFlight * 1024

const windowPerInFlight = 4

// WindowFor is the window that suits a runtime taking maxInFlight inputs at
// once (flowrun uses it): the records in the runtime, and three times as many
// finished and waiting for their commit. Four is a trade: each commit (an
// fsync'd checkpoint, a Kafka commit, a JetStream ack flush) costs about as much
// as hundreds of records, and a window of twice maxInFlight committed so often
// that a checkpointed file run lost 45% of its throughput; four times loses
// about 16% (both measured on a loaded machine, 190k → 106k and 160k lines/s)
// and still bounds a crash's duplicates by a few thousand records.
func WindowFor(maxInFlight int) int { return windowPerInFlight * maxInFlight }

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
