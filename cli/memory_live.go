package cli

// liveCycles is how many recent collections liveEstimate looks back on.
const liveCycles = 4

// liveEstimate is the live heap a run's memory limit follows: the smallest
// live heap of the last liveCycles collections, or the latest one when the
// heap presses against its limit. A collection counts as live everything
// allocated while it marks, and on a loaded machine the OS can hold a mark
// phase up for tens of milliseconds while the inputs go on being decoded:
// on issue 11's workload such a collection reports 17-29 MB live where the
// others report 6-12. A limit that followed it would let the next heap grow
// by twice as much, for the next held-up mark to count again. The smallest
// of a few recent collections leaves such a collection out and follows a
// live heap that shrinks at once. A live heap that really grows leaves the
// collector less and less room under a limit that lags, so it collects
// after allocating less than half the live heap: then the latest live heap
// is the estimate, and the collector gets its room back at once instead of
// collecting back to back for liveCycles collections.
//
// The zero value has seen no collection and estimates 0.
type liveEstimate struct {
	gcs, allocs uint64             // at the last sample
	seen        int                // collections recorded, up to 2*liveCycles
	ring        [liveCycles]uint64 // their live heaps, the newest at (seen-1) % liveCycles
}

// heapSample is what liveEstimate reads of the runtime's metrics.
type heapSample struct {
	gcs    uint64 // collections so far (/gc/cycles/total:gc-cycles)
	live   uint64 // live heap after the last one (/gc/heap/live:bytes)
	allocs uint64 // bytes allocated so far (/gc/heap/allocs:bytes)
}

// observe records a sample and returns the estimate. A sample without a
// collection since the last one changes nothing.
func (e *liveEstimate) observe(s heapSample) uint64 {
	if s.gcs != 0 && s.gcs != e.gcs {
		perGC := (s.allocs - e.allocs) / (s.gcs - e.gcs)
		e.gcs, e.allocs = s.gcs, s.allocs
		if perGC < s.live/2 { // pressed: see the type's doc
			e.seen = 0
		}
		e.ring[e.seen%liveCycles] = s.live
		e.seen++
		if e.seen == 2*liveCycles { // keep the index small; seen ≥ liveCycles means full
			e.seen = liveCycles
		}
	}
	n := min(e.seen, liveCycles)
	if n == 0 {
		return 0
	}
	least := e.ring[0]
	for _, v := range e.ring[1:n] {
		least = min(least, v)
	}
	return least
}
