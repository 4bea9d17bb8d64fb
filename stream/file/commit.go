package file

import "time"

// grouping bounds a group commit. The lines written while one flush and
// fsync runs form the next group; when that flush could start, a group of
// fewer than eager lines is committed at once (lines are not coming fast:
// waiting would only add latency, and would stall a source waiting for
// its acknowledgements), while a larger one waits for more, until delay
// after its first line or until it holds bytes (or lines, if set).
//
// There is no pause detection below delay: Go's timers resolve about a
// millisecond on Linux, so a wait for "200 µs without a line" waits a
// millisecond (measured: 1.08 ms at the median for 50 µs and 200 µs).
type grouping struct {
	eager int
	delay time.Duration
	bytes int
	lines int // 0: no bound
}

// defaultGrouping was chosen by measurement (see the commit that set it).
var defaultGrouping = grouping{eager: 256, delay: 2 * time.Millisecond, bytes: 1 << 20}

// full reports whether a group of this many bytes and lines is committed
// without waiting for more.
func (g grouping) full(bytes, lines int) bool {
	return bytes >= g.bytes || g.lines > 0 && lines >= g.lines
}

// loop commits the lines in groups until Close.
func (s *Sink) loop() {
	defer close(s.stopped)
	t := time.NewTimer(time.Hour)
	t.Stop()
	for {
		select {
		case <-s.kick:
		case <-s.stop:
			return
		}
		if !s.gather(t) {
			return // Close flushes what is left
		}
		_ = s.flush() // the error is sticky and reported to the callbacks
	}
}

// gather waits while a large group grows (see grouping), and reports false
// if the sink is closing instead.
func (s *Sink) gather(t *time.Timer) bool {
	select {
	case <-s.full: // left from an earlier group
	default:
	}
	s.mu.Lock()
	n, first := len(s.pending), s.first
	full := s.group.full(s.batch, n)
	s.mu.Unlock()
	if n < s.group.eager || full {
		return true
	}
	wait := time.Until(first.Add(s.group.delay))
	if wait <= 0 {
		return true
	}
	t.Reset(wait)
	select {
	case <-t.C:
	case <-s.full:
		t.Stop()
	case <-s.stop:
		t.Stop()
		return false
	}
	return true
}
