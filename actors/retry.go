package actors

import (
	"container/heap"
	"sync"
	"time"
)

// retrier holds inputs waiting for their next attempt and re-admits them at
// the flow's entry when due. One goroutine, owned by the Runtime.
type retrier struct {
	mu      sync.Mutex
	queue   dueHeap
	wake    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
}

type due struct {
	at time.Time
	it item
}

type dueHeap []due

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(due)) }
func (h *dueHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	*h = old[:len(old)-1]
	return d
}

func newRetrier() *retrier {
	return &retrier{wake: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
}

func (r *retrier) schedule(it item, wait time.Duration) {
	r.mu.Lock()
	heap.Push(&r.queue, due{at: time.Now().Add(wait), it: it})
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// run re-admits due items through resend until stopped.
func (r *retrier) run(resend func(item)) {
	defer close(r.stopped)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		r.mu.Lock()
		var ready []item
		now := time.Now()
		for len(r.queue) > 0 && !r.queue[0].at.After(now) {
			ready = append(ready, heap.Pop(&r.queue).(due).it)
		}
		next := time.Hour
		if len(r.queue) > 0 {
			next = r.queue[0].at.Sub(now)
		}
		r.mu.Unlock()
		for _, it := range ready {
			resend(it)
		}
		timer.Reset(next)
		select {
		case <-r.stop:
			return
		case <-r.wake:
		case <-timer.C:
		}
	}
}

func (r *retrier) close() {
	close(r.stop)
	<-r.stopped
}
