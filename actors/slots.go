package actors

import (
	"sync"
)

// freeSlots is the ledger's free list of slots: a stack under a mutex. A
// Submit takes one slot; the actor that reports a message's inputs puts
// their slots back in one go, at the end of the message, so a Submit
// waiting for room is woken once per message, not once per input, and the
// two sides meet on the lock once per message. A channel of slots costs a
// contended channel operation on each side per input.
type freeSlots struct {
	mu      sync.Mutex
	stack   []int32
	waiters int           // takes waiting for a put
	wake    chan struct{} // a put's signal to one waiter; each taker passes it on while slots remain
	size    int
}

func newFreeSlots(n int) *freeSlots {
	f := &freeSlots{stack: make([]int32, n), wake: make(chan struct{}, 1), size: n}
	for i := range n {
		f.stack[i] = int32(n - 1 - i) // slot 0 on top
	}
	return f
}

// take pops a free slot, waiting for one until done or closing is closed
// (a nil channel never is); false means it gave up.
func (f *freeSlots) take(done, closing <-chan struct{}) (int32, bool) {
	waited := false
	for {
		f.mu.Lock()
		if waited {
			f.waiters--
		}
		if k := len(f.stack); k > 0 {
			s := f.stack[k-1]
			f.stack = f.stack[:k-1]
			pass := k > 1 && f.waiters > 0
			f.mu.Unlock()
			if pass {
				f.signal()
			}
			return s, true
		}
		f.waiters++
		f.mu.Unlock()
		waited = true
		select {
		case <-f.wake:
		case <-done:
			f.unwait()
			return 0, false
		case <-closing:
			f.unwait()
			return 0, false
		}
	}
}

// unwait withdraws a waiter that gave up, passing on a signal it may have
// been sent meanwhile.
func (f *freeSlots) unwait() {
	f.mu.Lock()
	f.waiters--
	pass := len(f.stack) > 0 && f.waiters > 0
	f.mu.Unlock()
	if pass {
		f.signal()
	}
}

// put pushes slots back and wakes a waiting take.
func (f *freeSlots) put(slots ...int32) {
	f.mu.Lock()
	f.stack = append(f.stack, slots...)
	wake := f.waiters > 0
	f.mu.Unlock()
	if wake {
		f.signal()
	}
}

func (f *freeSlots) signal() {
	select {
	case f.wake <- struct{}{}:
	default: // a signal is pending: its waiter passes it on
	}
}

// free is the number of free slots.
func (f *freeSlots) free() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.stack)
}
