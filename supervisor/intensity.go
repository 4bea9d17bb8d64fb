package supervisor

import (
	"sync"
	"time"
)

// intensity is the restart intensity of Erlang/OTP: it remembers the times
// of recent restarts and allows at most Max of them within any sliding
// window of length Within. A restart at time t is inside the window at time
// now when now-t < Within.
//
// It keeps a ring buffer of the timestamps inside the window, grown as
// restarts happen (never beyond Max), so its memory is in proportion to the
// restarts that happened, bounded whatever the failure rate, and a large
// Max costs nothing until it is used. A zero intensity is valid and uses the defaults
// of Spec (20 restarts within 10s). An intensity is safe for concurrent use;
// it must not be copied after first use.
type intensity struct {
	mu     sync.Mutex
	max    int
	within time.Duration
	set    bool
	ring   []time.Time // oldest at head; grown on demand, len(ring) ≤ max
	head   int
	n      int
}

// newIntensity returns an intensity allowing maxRestarts restarts within
// within, with the same rules as Spec: maxRestarts 0 and within ≤ 0 take the
// defaults, and a negative maxRestarts allows no restart.
func newIntensity(maxRestarts int, within time.Duration) *intensity {
	i := &intensity{}
	i.init(maxRestarts, within)
	return i
}

func (i *intensity) init(maxRestarts int, within time.Duration) {
	s := Spec{MaxRestarts: maxRestarts, Within: within}.WithDefaults()
	i.max, i.within, i.set = max(s.MaxRestarts, 0), s.Within, true
	i.ring, i.head, i.n = nil, 0, 0
}

// Limits returns the restart budget and the window length in effect.
func (i *intensity) Limits() (maxRestarts int, within time.Duration) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.lazy()
	return i.max, i.within
}

// Record registers a restart at now and reports whether it is allowed. It
// returns false, and records nothing, when Max restarts are already inside
// the window: the caller must escalate instead of restarting.
func (i *intensity) Record(now time.Time) (ok bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.lazy()
	i.expire(now)
	if i.n == i.max {
		return false
	}
	if i.n == len(i.ring) {
		i.grow()
	}
	i.ring[(i.head+i.n)%len(i.ring)] = now
	i.n++
	return true
}

// push records a restart at now even when the window is full, dropping the
// oldest then: for a restart the owner did not decide but must count (a
// parent supervisor restarted it).
func (i *intensity) push(now time.Time) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.lazy()
	i.expire(now)
	if i.max == 0 {
		return
	}
	if i.n == i.max {
		i.ring[i.head] = time.Time{}
		i.head = (i.head + 1) % i.max
		i.n--
	}
	i.ring[(i.head+i.n)%i.max] = now
	i.n++
}

// Used returns how many restarts are inside the window at now, between 0
// and Max: the spent part of the budget.
func (i *intensity) Used(now time.Time) int {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.lazy()
	i.expire(now)
	return i.n
}

// Reset forgets every recorded restart.
func (i *intensity) Reset() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.lazy()
	i.head, i.n = 0, 0
}

func (i *intensity) lazy() {
	if !i.set {
		i.init(0, 0)
	}
}

// expire drops the restarts that have left the window at now. Timestamps
// are kept in call order and callers pass non-decreasing times (a time that
// goes backwards only makes its restart stay in the window longer).
func (i *intensity) expire(now time.Time) {
	for i.n > 0 && now.Sub(i.ring[i.head]) >= i.within {
		i.ring[i.head] = time.Time{}
		i.head = (i.head + 1) % len(i.ring)
		i.n--
	}
}

// grow doubles the ring (at least 8, at most max), oldest first.
func (i *intensity) grow() {
	ring := make([]time.Time, min(max(2*len(i.ring), 8), i.max))
	for k := range i.n {
		ring[k] = i.ring[(i.head+k)%len(i.ring)]
	}
	i.ring, i.head = ring, 0
}
