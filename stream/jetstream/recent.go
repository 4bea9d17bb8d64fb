package jetstream

// recent is a bounded set of the stream sequences acked last, with each
// ack's reply subject: a redelivery of one of them, sent by the server
// before it had the ack, still arrives within the next few pulls, and is
// dropped, not processed again; and after a server is lost and back, their
// acks are sent again (the ones in transit were lost with it). The oldest
// sequence is forgotten first.
type recent struct {
	set  map[uint64]struct{}
	ring []ackSent
	next int
}

// ackSent is one ack: the message's stream sequence and where it was sent.
type ackSent struct {
	seq   uint64
	reply string
}

func newRecent(n int) recent {
	return recent{set: make(map[uint64]struct{}, n), ring: make([]ackSent, 0, n)}
}

func (r *recent) add(seq uint64, reply string) {
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, ackSent{seq, reply})
	} else {
		delete(r.set, r.ring[r.next].seq)
		r.ring[r.next] = ackSent{seq, reply}
		r.next = (r.next + 1) % len(r.ring)
	}
	r.set[seq] = struct{}{}
}

func (r *recent) has(seq uint64) bool {
	_, ok := r.set[seq]
	return ok
}

// replies returns the reply subjects of the acks it holds.
func (r *recent) replies() []string {
	out := make([]string, 0, len(r.ring))
	for _, a := range r.ring {
		if a.reply != "" {
			out = append(out, a.reply)
		}
	}
	return out
}
