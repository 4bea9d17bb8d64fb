package file

import "time"

// grouping bounds a group commit: the lines written from the first one of
// a group on are flushed and fsynced together once no line came for gap,
// delay passed since the group's first line, or the group holds bytes (or
// lines, if set), whichever comes first. While that flush runs, the next
// group gathers. A line is thus durable at most delay plus one fsync after
// it was written, and a line alone in an idle stream gap plus one fsync
// after.
type grouping struct {
	gap   time.Duration
	delay time.Duration
	bytes int
	lines int // 0: no bound
}

// defaultGrouping was chosen by measurement (see the commit that set it).
var defaultGrouping = grouping{gap: 200 * time.Microsecond, delay: 2 * time.Millisecond, bytes: 1 << 20}

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

// gather waits while the group grows (see grouping), and reports false if
// the sink is closing instead.
func (s *Sink) gather(t *time.Timer) bool {
	if s.group.delay <= 0 {
		return true
	}
	select {
	case <-s.full: // left from an earlier group
	default:
	}
	s.mu.Lock()
	seen, deadline := s.written, s.first.Add(s.group.delay)
	full := len(s.pending) == 0 || s.group.full(s.batch, len(s.pending))
	s.mu.Unlock()
	for !full {
		wait := min(s.group.gap, time.Until(deadline))
		if wait <= 0 {
			return true // as old as a group may get
		}
		t.Reset(wait)
		select {
		case <-t.C:
		case <-s.full:
			t.Stop()
			return true
		case <-s.stop:
			t.Stop()
			return false
		}
		s.mu.Lock()
		now := s.written
		s.mu.Unlock()
		if now == seen {
			return true // idle: no line for a gap
		}
		seen = now
	}
	return true
}
