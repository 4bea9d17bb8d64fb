package actors

import (
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
)

// counters are one actor's statistics. The actor counts outcomes in plain
// fields (local) and publishes them to the atomics once per message, so the
// hot path does no atomic operation per input; readers (Snapshot) load the
// atomics at any time and see counts at most one batch old.
type counters struct {
	received, done, stopped, retried, failed, restarts atomic.Uint64
	mailbox                                            atomic.Int64 // written by senders and the actor
	restarting                                         atomic.Bool
	hist                                               histogram
	lastErr                                            atomic.Pointer[string]

	// Actor-local: only the actor's goroutine touches these.
	calls uint64 // for latency sampling
	local struct{ done, stopped, retried, failed uint64 }
}

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

// histogram buckets latencies by powers of two of nanoseconds.
type histogram struct{ b [48]atomic.Uint64 }

func (h *histogram) observe(d time.Duration) {
	i := 0
	if d > 0 {
		i = min(bits.Len64(uint64(d)), len(h.b)-1)
	}
	h.b[i].Add(1) // sampled: one call in sampleEvery
}

func (h *histogram) load() (out [48]uint64) {
	for i := range h.b {
		out[i] = h.b[i].Load()
	}
	return out
}

// quantile of the counts in buckets: the upper bound of the bucket holding it.
func quantile(buckets [48]uint64, q float64) time.Duration {
	var total uint64
	for _, n := range buckets {
		total += n
	}
	if total == 0 {
		return 0
	}
	rank := uint64(q*float64(total-1)) + 1
	var seen uint64
	for i, n := range buckets {
		seen += n
		if seen >= rank {
			if i == 0 {
				return 1
			}
			return time.Duration(uint64(1) << i)
		}
	}
	return 0
}

// rates keeps, per stage, what the sampler saw a second ago and the rates and
// latency windows derived from it.
type rates struct {
	mu     sync.Mutex
	last   time.Time
	prev   []sample
	in     []float64
	out    []float64
	window [][][48]uint64 // per stage, recent per-second histogram deltas
	p50    []time.Duration
	p99    []time.Duration
	admIn  float64
	resOut float64
	prevAd uint64
	prevRs uint64
}

type sample struct {
	received, finished uint64
	hist               [48]uint64
}

const latencyWindow = 10 // seconds of histogram kept for p50/p99
