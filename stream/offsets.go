package stream

import (
	"sort"
	"sync"
)

// Offsets tracks, per partition, the records handed out and not yet
// finished, and the commit point: the offset just after the highest
// contiguous finished one, the first a restarted consumer must read again.
// A commit taken from it never skips a record still in flight, however the
// records finish. It also counts the records handed out and not yet
// committed (see Commit): what a crash would make a restarted consumer
// read again, which a [Window] bounds.
//
// Offsets within a partition must be started in increasing order (they
// need not be contiguous: compacted topics and skipped blank lines leave
// gaps). A zero Offsets is empty and ready; it is safe for concurrent use.
type Offsets struct {
	mu    sync.Mutex
	parts map[int32]*partition
}

type partition struct {
	queue []entry // started and not committed, in offset order; queue[head:] are unfinished or after one
	head  int     // queue[:head] are finished: committable
	next  int64   // commit point: every started offset below it is finished
	last  int64   // highest offset started
	valid bool    // next is known (something was started)
}

type entry struct {
	off  int64
	done bool
}

// Start records that the record at p was handed out. It reports false,
// and records nothing, if p's offset is not above the last one started in
// its partition.
func (o *Offsets) Start(p Position) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.parts == nil {
		o.parts = map[int32]*partition{}
	}
	pt := o.parts[p.Partition]
	if pt == nil {
		pt = &partition{}
		o.parts[p.Partition] = pt
	}
	if pt.valid && p.Offset <= pt.last {
		return false
	}
	if !pt.valid || pt.head == len(pt.queue) {
		// Nothing unfinished: the commit point is this record.
		pt.next = p.Offset
	}
	pt.valid = true
	pt.last = p.Offset
	pt.queue = append(pt.queue, entry{off: p.Offset})
	return true
}

// Done records that the record at p is finished. It reports false if p was
// not started (or was finished already, or its partition was dropped).
func (o *Offsets) Done(p Position) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	pt := o.parts[p.Partition]
	if pt == nil {
		return false
	}
	q := pt.queue[pt.head:]
	i := sort.Search(len(q), func(i int) bool { return q[i].off >= p.Offset })
	if i == len(q) || q[i].off != p.Offset || q[i].done {
		return false
	}
	q[i].done = true
	for pt.head < len(pt.queue) && pt.queue[pt.head].done {
		pt.next = pt.queue[pt.head].off + 1
		pt.head++
	}
	if pt.head < len(pt.queue) {
		pt.next = pt.queue[pt.head].off
	}
	return true
}

// Commit records that partition's commit point next was committed to the
// source (a restarted consumer starts there): the finished records below
// it are no longer counted. It returns how many that was.
func (o *Offsets) Commit(partition int32, next int64) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	pt := o.parts[partition]
	if pt == nil {
		return 0
	}
	n := sort.Search(pt.head, func(i int) bool { return pt.queue[i].off >= next })
	if n == 0 {
		return 0
	}
	pt.queue = pt.queue[n:] // the next append that outgrows it copies only the live part
	pt.head -= n
	return n
}

// Committable returns how many records, over every partition, are finished
// and below their partition's commit point but not yet committed: what the
// next commit of every commit point would cover.
func (o *Offsets) Committable() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, pt := range o.parts {
		n += pt.head
	}
	return n
}

// Next returns partition's commit point: every offset started below it is
// finished, and the one at it (if started) is not. ok is false if nothing
// was started in the partition.
func (o *Offsets) Next(partition int32) (next int64, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	pt := o.parts[partition]
	if pt == nil || !pt.valid {
		return 0, false
	}
	return pt.next, true
}

// Marks returns every partition's commit point.
func (o *Offsets) Marks() map[int32]int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := make(map[int32]int64, len(o.parts))
	for id, pt := range o.parts {
		if pt.valid {
			m[id] = pt.next
		}
	}
	return m
}

// InFlight returns how many records of partition are started and not
// finished.
func (o *Offsets) InFlight(partition int32) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	pt := o.parts[partition]
	if pt == nil {
		return 0
	}
	n := 0
	for _, e := range pt.queue[pt.head:] {
		if !e.done {
			n++
		}
	}
	return n
}

// Drop forgets partition (revoked from this consumer): later Done calls for
// it report false, and a later Start begins afresh. It returns how many of
// its records were started and not committed.
func (o *Offsets) Drop(partition int32) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	pt := o.parts[partition]
	if pt == nil {
		return 0
	}
	delete(o.parts, partition)
	return len(pt.queue)
}
