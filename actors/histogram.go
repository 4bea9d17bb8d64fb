package actors

import (
	"math/bits"
	"sync/atomic"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// The latency histogram is log-linear (as HDR histograms are): each power of
// two of nanoseconds is split into subCount equal buckets, and durations below
// subCount ns have a bucket each. A bucket [lo, hi) is then at most lo/subCount
// wide, so reporting its midpoint is within 1/(2*subCount) = 1.6% of any
// duration in it: that is the stated relative error of the quantiles.
// Durations of 2^maxExp ns (about 18 minutes) and more share one overflow
// bucket, reported as 2^maxExp ns.
const (
	subBits    = 5
	subCount   = 1 << subBits
	maxExp     = 40
	numBuckets = (maxExp-subBits+1)*subCount + 1 // the last is the overflow
	overflow   = numBuckets - 1

	latencyError = 1.0 / (2 * subCount) // the quantiles' relative error bound
)

// histogram counts durations in log-linear buckets. Its memory is fixed
// (numBuckets counters, about 9 KiB); observe is two atomic adds, so any
// goroutine may record and any may read.
type histogram struct {
	b   [numBuckets]atomic.Uint64
	sum atomic.Uint64 // nanoseconds
}

// epoch is the origin of monotonic.
var epoch = time.Now()

// monotonic reads the monotonic clock only (time.Now reads the wall clock
// too, a second system clock read): timed calls take two readings, not three.
func monotonic() time.Duration { return time.Since(epoch) }

func (h *histogram) observe(d time.Duration) {
	ns := uint64(max(d, 0))
	h.b[bucketOf(ns)].Add(1)
	h.sum.Add(ns)
}

// addTo adds the histogram's counts to dst and returns its sum.
func (h *histogram) addTo(dst *[numBuckets]uint64) time.Duration {
	for i := range h.b {
		dst[i] += h.b[i].Load()
	}
	return time.Duration(h.sum.Load())
}

// bucketOf is the index of the bucket holding ns.
func bucketOf(ns uint64) int {
	if ns < subCount {
		return int(ns)
	}
	e := bits.Len64(ns) - 1 // ns is in [2^e, 2^(e+1)), e >= subBits
	if e >= maxExp {
		return overflow
	}
	sub := int(ns>>(e-subBits)) - subCount // which of the subCount parts of that power of two
	return (e-subBits+1)*subCount + sub
}

// bounds is the range [lo, hi) of bucket i, in nanoseconds.
func bounds(i int) (lo, hi uint64) {
	if i < subCount {
		return uint64(i), uint64(i) + 1
	}
	if i >= overflow {
		return 1 << maxExp, 1 << maxExp
	}
	shift := uint(i/subCount - 1)
	lo = uint64(subCount+i%subCount) << shift
	return lo, lo + 1<<shift
}

// mid is the value reported for bucket i.
func mid(i int) time.Duration {
	lo, hi := bounds(i)
	if hi-lo <= 1 {
		return time.Duration(lo)
	}
	return time.Duration(lo + (hi-lo)/2)
}

// quantile is the nearest-rank q-quantile of the counts: the midpoint of the
// bucket holding the ceil(q*n)-th smallest duration; 0 for no counts.
func quantile(counts *[numBuckets]uint64, q float64) time.Duration {
	var total uint64
	for _, n := range counts {
		total += n
	}
	if total == 0 {
		return 0
	}
	rank := uint64(q * float64(total))
	if float64(rank) < q*float64(total) {
		rank++
	}
	rank = max(rank, 1)
	var seen uint64
	for i, n := range counts {
		if seen += n; seen >= rank {
			return mid(i)
		}
	}
	return mid(overflow)
}

// promBounds are the upper bounds of the histogram the snapshot carries for
// Prometheus: the usual 1-2.5-5 steps from 1µs (services here can take less)
// to 10s.
var promBounds = [...]time.Duration{
	time.Microsecond, 2500 * time.Nanosecond, 5 * time.Microsecond,
	10 * time.Microsecond, 25 * time.Microsecond, 50 * time.Microsecond,
	100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

// coarse folds the fine counts into the snapshot's histogram: for each of
// promBounds, the durations whose bucket's midpoint is at most the bound. A
// duration is thus counted on the wrong side of a bound only when it lies
// within 1.6% of it.
func coarse(counts *[numBuckets]uint64, sum time.Duration) snapshot.Histogram {
	h := snapshot.Histogram{Sum: sum, Buckets: make([]snapshot.Bucket, len(promBounds))}
	b := 0
	for i, n := range counts {
		for b < len(promBounds) && mid(i) > promBounds[b] {
			h.Buckets[b] = snapshot.Bucket{Le: promBounds[b], Count: h.Count}
			b++
		}
		h.Count += n
	}
	for ; b < len(promBounds); b++ {
		h.Buckets[b] = snapshot.Bucket{Le: promBounds[b], Count: h.Count}
	}
	return h
}
