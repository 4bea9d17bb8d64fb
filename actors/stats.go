package actors

import (
	"sync"
	"sync/atomic"
	"time"
)

// counters are one actor's statistics. The actor counts outcomes in plain
// fields (local) and publishes them to the atomics once per message (a batch
// of inputs); the mailbox depth costs an atomic add per send and per batch
// received, the batch in hand two stores per batch, and a timed call (one in
// sampleEvery) two atomic adds. Readers
// (Snapshot) load the atomics at any time and see outcome counts at most one
// batch old.
type counters struct {
	mailbox atomic.Int64 // written by senders and the actor
	// The rest is written by the actor only: on other cache lines than
	// mailbox and than the next instance's counters.
	_                                                  [cacheLine]byte
	received, done, stopped, retried, failed, restarts atomic.Uint64
	holding                                            atomic.Int64 // contexts of the batch the actor is running
	unreleased                                         atomic.Int64 // slots of reported inputs the actor still holds (instance.release)
	restarting                                         atomic.Bool
	hist                                               histogram
	lastErr                                            atomic.Pointer[string]

	// Actor-local: only the actor's goroutine touches these.
	calls uint64 // for latency sampling
	local struct{ done, stopped, retried, failed uint64 }
	_     [cacheLine]byte
}

// cacheLine is the distance that keeps two fields written by different
// goroutines from sharing a cache line (two 64-byte lines: x86 prefetches
// lines in pairs).
const cacheLine = 128

// publish makes the locally counted outcomes visible to readers.
func (c *counters) publish() {
	c.done.Store(c.local.done)
	c.stopped.Store(c.local.stopped)
	c.retried.Store(c.local.retried)
	c.failed.Store(c.local.failed)
}

func add1(c *atomic.Uint64) { c.Add(1) }

// sampleEvery: one call in this many is timed for the latency histogram.
// Reading the clock twice per call would cost more than a trivial service.
const sampleEvery = 8

// rates keeps, per stage, what the sampler saw at its last tick and the rates
// and latency quantiles derived from it.
type rates struct {
	mu     sync.Mutex
	last   time.Time
	prev   []sample
	in     []float64
	out    []float64
	window []window // per stage
	p50    []time.Duration
	p99    []time.Duration
	admIn  float64
	resOut float64
	prevAd uint64
	prevRs uint64
}

type sample struct {
	received, finished uint64
	hist               *[numBuckets]uint64 // cumulative, summed over the stage's instances
}

const latencyWindow = 10 // ticks (seconds by default) of histogram kept for p50/p99

// window holds a stage's histogram deltas of the last latencyWindow sampler
// ticks, the durations its recent quantiles are computed from.
type window struct{ ticks [][]bucketCount }

// bucketCount is one non-empty bucket of a histogram delta: a tick's delta
// touches few buckets, so the window keeps only those.
type bucketCount struct {
	i int
	n uint64
}

// add appends the tick's delta, cur - prev, dropping the oldest tick when
// the window is full.
func (w *window) add(cur, prev *[numBuckets]uint64) {
	var delta []bucketCount
	for b, n := range cur {
		if d := n - prev[b]; d != 0 {
			delta = append(delta, bucketCount{b, d})
		}
	}
	if len(w.ticks) == latencyWindow {
		copy(w.ticks, w.ticks[1:])
		w.ticks = w.ticks[:latencyWindow-1]
	}
	w.ticks = append(w.ticks, delta)
}

// quantiles are the window's p50 and p99; scratch is overwritten.
func (w *window) quantiles(scratch *[numBuckets]uint64) (p50, p99 time.Duration) {
	*scratch = [numBuckets]uint64{}
	for _, t := range w.ticks {
		for _, bc := range t {
			scratch[bc.i] += bc.n
		}
	}
	return quantile(scratch, 0.50), quantile(scratch, 0.99)
}
