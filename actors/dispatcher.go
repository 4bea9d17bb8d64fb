package actors

import "sync"

// worker is a protoactor Dispatcher that runs an actor's mailbox on one
// long-lived goroutine. The default dispatcher starts a new goroutine each
// time an idle mailbox gets a message, which on a quiet stage is once per
// input; waking a parked goroutine is cheaper. The Runtime owns the goroutine:
// stop ends it, and waits.
type worker struct {
	runs       chan func()
	throughput int
	done       sync.WaitGroup
}

func newWorker(throughput int) *worker {
	w := &worker{runs: make(chan func(), 1), throughput: throughput}
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		for fn := range w.runs {
			fn()
		}
	}()
	return w
}

// Schedule implements actor.Dispatcher. The mailbox calls it only when it
// turns from idle to running, so at most one run is pending at a time.
func (w *worker) Schedule(fn func()) { w.runs <- fn }

// Throughput implements actor.Dispatcher: messages per run before yielding.
func (w *worker) Throughput() int { return w.throughput }

func (w *worker) stop() {
	close(w.runs)
	w.done.Wait()
}
