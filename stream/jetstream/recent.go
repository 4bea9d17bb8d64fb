package jetstream

// recent is a bounded set of the stream sequences acked last: a
// redelivery of one of them, sent by the server before it had the ack,
// still arrives within the next few pulls, and is dropped, not processed
// again. The oldest sequence is forgotten first.
type recent struct {
	set  map[uint64]struct{}
	ring []uint64
	next int
}

func newRecent(n int) recent {
	return recent{set: make(map[uint64]struct{}, n), ring: make([]uint64, 0, n)}
}

func (r *recent) add(seq uint64) {
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, seq)
	} else {
		delete(r.set, r.ring[r.next])
		r.ring[r.next] = seq
		r.next = (r.next + 1) % len(r.ring)
	}
	r.set[seq] = struct{}{}
}

func (r *recent) has(seq uint64) bool {
	_, ok := r.set[seq]
	return ok
}
