package tui

import (
	"time"
	"unsafe"

	"github.com/serviceflow/serviceflow/snapshot"
)

// Bounds of the monitor's snapshot history, the one time travel steps
// through: at most timelineMax snapshots (10 minutes at the default
// refresh) and about timelineBytes of them, the oldest dropped first.
const (
	timelineMax   = 2400
	timelineBytes = 64 << 20
)

// timeline is a bounded history of snapshots, oldest first, addressed by a
// sequence number that stays valid as the oldest are dropped. Consecutive
// snapshots share the lists that did not change (edges, supervisors, and
// events and dead letters when no new one came), so a quiet flow costs
// little more than its stages per snapshot. It is owned by the model and
// changed only in Update.
type timeline struct {
	snaps []snapshot.Snapshot // a ring: snaps[(head+i)%len] is the i-th oldest
	cost  []cost              // the estimated bytes each holds of its own
	head  int
	n     int
	first uint64 // sequence number of the oldest
	bytes int
	max   int // snapshots
	limit int // bytes
}

func newTimeline(max, limit int) *timeline {
	return &timeline{snaps: make([]snapshot.Snapshot, max), cost: make([]cost, max), max: max, limit: limit}
}

// len is how many snapshots it holds; last the sequence number of the
// newest (first-1 when empty).
func (t *timeline) len() int     { return t.n }
func (t *timeline) last() uint64 { return t.first + uint64(t.n) - 1 }

// at returns the snapshot with sequence number seq, clamped to those held.
func (t *timeline) at(seq uint64) (snapshot.Snapshot, uint64) {
	if t.n == 0 {
		return snapshot.Snapshot{}, 0
	}
	seq = max(t.first, min(seq, t.last()))
	return t.snaps[(t.head+int(seq-t.first))%t.max], seq
}

// add appends s, once per snapshot time, dropping the oldest beyond the
// bounds.
func (t *timeline) add(s snapshot.Snapshot) {
	c := costOf(s)
	if t.n > 0 {
		prev, _ := t.at(t.last())
		if !s.Taken.IsZero() && !s.Taken.After(prev.Taken) {
			return
		}
		share(&s, &prev)
		if sameSlice(s.Events, prev.Events) {
			c.events = 0 // its predecessor pays for them
		}
		if sameSlice(s.DeadLetters, prev.DeadLetters) {
			c.dead = 0
		}
	}
	for t.n == t.max || t.n > 0 && t.bytes+c.total() > t.limit {
		t.drop()
	}
	i := (t.head + t.n) % t.max
	t.snaps[i], t.cost[i] = s, c
	t.bytes += c.total()
	t.n++
}

// drop forgets the oldest snapshot; lists it shared with the next one are
// still held, so the next one pays for them from now on.
func (t *timeline) drop() {
	old, oc := t.snaps[t.head], t.cost[t.head]
	t.bytes -= oc.total()
	t.snaps[t.head], t.cost[t.head] = snapshot.Snapshot{}, cost{}
	t.head = (t.head + 1) % t.max
	t.n--
	t.first++
	if t.n == 0 {
		return
	}
	next, nc := &t.snaps[t.head], &t.cost[t.head]
	if nc.events == 0 && sameSlice(next.Events, old.Events) {
		nc.events = oc.events
		t.bytes += oc.events
	}
	if nc.dead == 0 && sameSlice(next.DeadLetters, old.DeadLetters) {
		nc.dead = oc.dead
		t.bytes += oc.dead
	}
}

// sameSlice reports whether a and b are the same list (not equal ones).
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// seek is the sequence number of the newest snapshot taken at or before
// when, or the oldest.
func (t *timeline) seek(when time.Time) uint64 {
	lo, hi := t.first, t.last()
	for lo < hi { // the first snapshot taken after when, minus one
		mid := lo + (hi-lo+1)/2
		if s, _ := t.at(mid); s.Taken.After(when) {
			hi = mid - 1
		} else {
			lo = mid
		}
	}
	return lo
}

// share makes s use prev's lists where they hold the same thing.
func share(s, prev *snapshot.Snapshot) {
	if sameEdges(s.Edges, prev.Edges) {
		s.Edges = prev.Edges
	}
	if len(s.Supervisors) == len(prev.Supervisors) {
		same := true
		for i := range s.Supervisors {
			a, b := s.Supervisors[i], prev.Supervisors[i]
			if a.Name != b.Name || a.Restarts != b.Restarts || a.Escalated != b.Escalated || a.Parent != b.Parent || len(a.Children) != len(b.Children) {
				same = false
				break
			}
		}
		if same {
			s.Supervisors = prev.Supervisors
		}
	}
	// events are a ring, oldest first: a new one changes the newest
	if n := len(s.Events); n == len(prev.Events) && (n == 0 || sameEvent(s.Events[0], prev.Events[0]) && sameEvent(s.Events[n-1], prev.Events[n-1])) {
		s.Events = prev.Events
	}
	if len(s.DeadLetters) == len(prev.DeadLetters) {
		same := true
		for i := range s.DeadLetters {
			if s.DeadLetters[i].ID != prev.DeadLetters[i].ID {
				same = false
				break
			}
		}
		if same {
			s.DeadLetters = prev.DeadLetters
		}
	}
}

func sameEdges(a, b []snapshot.Edge) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameEvent(a, b snapshot.Event) bool {
	return a.Time.Equal(b.Time) && a.Kind == b.Kind && a.Stage == b.Stage && a.Input == b.Input && a.Message == b.Message
}

// Estimated sizes, for the byte bound: the structs plus their strings, a
// dead letter's input at a flat guess.
const (
	stageBytes  = int(unsafe.Sizeof(snapshot.Stage{})) + 64
	bucketBytes = int(unsafe.Sizeof(snapshot.Bucket{}))
	eventBytes  = int(unsafe.Sizeof(snapshot.Event{})) + 80
	deadBytes   = int(unsafe.Sizeof(snapshot.DeadLetter{})) + 512
)

// cost is what a snapshot holds in memory of its own, estimated: its stages
// always; its events and dead letters unless it shares them with the
// snapshot before it (edges and supervisors are small and not counted).
type cost struct{ base, events, dead int }

func (c cost) total() int { return c.base + c.events + c.dead }

func costOf(s snapshot.Snapshot) cost {
	c := cost{base: int(unsafe.Sizeof(s)) + len(s.Stages)*stageBytes}
	for _, st := range s.Stages {
		c.base += len(st.Latency.Buckets)*bucketBytes + len(st.LastError)
	}
	c.events = len(s.Events) * eventBytes
	c.dead = len(s.DeadLetters) * deadBytes
	return c
}
