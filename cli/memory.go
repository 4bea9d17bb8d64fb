package cli

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// A run's garbage collector, unless the user tunes it (GOGC or GOMEMLIMIT
// set): Go's default lets the heap grow to twice what is live before each
// collection, which for a stream of small inputs means a collection every
// few megabytes and, with the binary's own pages, a peak RSS above 64 MiB
// on a long file. A run instead collects when the process's Go memory
// reaches runFloor, or twice the live heap plus runSlack once that is more
// (many large inputs in flight): fewer collections while the live heap is
// small, never a limit the live heap could press against (a collector
// running without pause). The live heap is liveEstimate's, which leaves out
// a collection that counted a held-up mark phase's allocations as live.
//
// Measured on issue 11's workload, 2,000,000 lines, load ~27: peak RSS
// 57-74 MiB in three default runs, 59.6-59.9 MiB in two tuned ones; CPU
// 13.4-13.7 s -> 12.2-12.4 s.
const (
	runFloor = 36 << 20
	runSlack = 8 << 20
	// gcPoll is how often the limit follows the live heap.
	gcPoll = 20 * time.Millisecond
)

// tuneGC applies a run's collector settings and returns the function that
// puts back the previous ones. It does nothing when GOGC or GOMEMLIMIT is
// set in the environment. Runs in one process (tests) share the settings:
// the first applies them, the last one to finish restores them.
func tuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gc.mu.Lock()
	defer gc.mu.Unlock()
	if gc.runs == 0 {
		gc.prevPercent = debug.SetGCPercent(-1)
		gc.prevLimit = debug.SetMemoryLimit(runFloor)
		gc.stop = make(chan struct{})
		gc.done = make(chan struct{})
		go followLiveHeap(gc.stop, gc.done)
	}
	gc.runs++
	var once sync.Once
	return func() { once.Do(untuneGC) }
}

func untuneGC() {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	if gc.runs--; gc.runs > 0 {
		return
	}
	close(gc.stop)
	<-gc.done
	debug.SetGCPercent(gc.prevPercent)
	debug.SetMemoryLimit(gc.prevLimit)
}

// gc is the state of tuneGC, shared by the runs of the process.
var gc struct {
	mu          sync.Mutex
	runs        int // runs under the settings
	prevPercent int
	prevLimit   int64
	stop, done  chan struct{} // of followLiveHeap
}

// followLiveHeap keeps the memory limit at gcLimit of the live heap, as
// liveEstimate estimates it from the collections so far, until stop is
// closed, then closes done.
func followLiveHeap(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	sample := []metrics.Sample{
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/heap/allocs:bytes"},
	}
	var est liveEstimate
	limit := int64(runFloor)
	t := time.NewTicker(gcPoll)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		metrics.Read(sample)
		var v [3]uint64
		for i, s := range sample {
			if s.Value.Kind() == metrics.KindUint64 {
				v[i] = s.Value.Uint64()
			}
		}
		if l := gcLimit(est.observe(heapSample{gcs: v[0], live: v[1], allocs: v[2]})); l != limit {
			limit = l
			debug.SetMemoryLimit(limit)
		}
	}
}

// gcLimit is the memory limit for a live heap of live bytes.
func gcLimit(live uint64) int64 {
	return max(runFloor, 2*int64(min(live, 1<<61))+runSlack)
}
