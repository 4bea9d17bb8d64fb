package stream

import (
	"sync"
	"sync/atomic"
)

// Deliveries remembers, for each input in flight, the record it came from,
// and acknowledges the record to its source once every write of its
// result is durable. It does not count what is in flight: the actor
// runtime's ledger does; Deliveries only maps input IDs (flow.Context.ID,
// known before actors.Runtime.SubmitContext) back to records.
//
// It is safe for concurrent use.
type Deliveries struct {
	src Source

	mu   sync.Mutex
	recs map[uint64]Record
	err  error // the first write that was lost

	acked, lost atomic.Int64

	freeMu sync.Mutex
	free   []*wait // waits done with, for After to reuse (at most maxFree)
}

// maxFree bounds the waits kept for reuse (~2 MiB): as many results wait
// for their writes as arrive during one fsync or broker round trip, a few
// thousand normally, tens of thousands on a slow disk.
const maxFree = 16384

// NewDeliveries returns Deliveries acknowledging to src.
func NewDeliveries(src Source) *Deliveries {
	return &Deliveries{src: src, recs: map[uint64]Record{}}
}

// Expect records that the input with this ID came from rec. Call it before
// submitting the input.
func (d *Deliveries) Expect(id uint64, rec Record) {
	d.mu.Lock()
	d.recs[id] = rec
	d.mu.Unlock()
}

// Take removes and returns the record of the input with this ID: when its
// result arrives, or when it was not admitted. ok is false for an input
// that came from no record (a dead letter replayed from the monitor).
func (d *Deliveries) Take(id uint64) (rec Record, ok bool) {
	d.mu.Lock()
	rec, ok = d.recs[id]
	delete(d.recs, id)
	d.mu.Unlock()
	return rec, ok
}

// Ack acknowledges rec now: for a record with nothing to write (a
// malformed one, say).
func (d *Deliveries) Ack(rec Record) {
	d.acked.Add(1)
	d.src.Ack(rec)
}

// After returns the durable callback for n writes of rec's result (its
// result line, and its dead letter if it failed): rec is acknowledged once
// all n report nil. If any reports an error rec is never acknowledged, so
// the source delivers it again after a restart, and Err returns the first
// such error. With n < 1 rec is acknowledged at once.
//
// The callback must be called exactly n times, as [Sink.Write] calls its
// durable callback exactly once: it is recycled for another record after
// its n-th call, so it costs no allocation.
func (d *Deliveries) After(rec Record, n int) func(error) {
	if n < 1 {
		d.Ack(rec)
		return ignore
	}
	var w *wait
	d.freeMu.Lock()
	if k := len(d.free) - 1; k >= 0 {
		w, d.free[k] = d.free[k], nil
		d.free = d.free[:k]
	}
	d.freeMu.Unlock()
	if w == nil {
		w = &wait{d: d}
		w.report = w.done
	}
	w.rec = rec
	w.failed.Store(false)
	w.left.Store(int32(n))
	return w.report
}

// ignore is the callback of writes nobody waits for.
func ignore(error) {}

// A wait is the writes of one record's result still to report.
type wait struct {
	d      *Deliveries // whose free list it goes back to
	rec    Record
	left   atomic.Int32
	failed atomic.Bool
	report func(error) // w.done, bound once: a method value allocates
}

func (w *wait) done(err error) {
	if err != nil && !w.failed.Swap(true) {
		w.d.lose(err)
	}
	if w.left.Add(-1) != 0 {
		return
	}
	// The last report: every other one happened before this Add.
	d, rec, ok := w.d, w.rec, !w.failed.Load()
	w.rec = Record{}
	d.freeMu.Lock()
	if len(d.free) < maxFree {
		d.free = append(d.free, w)
	}
	d.freeMu.Unlock()
	if ok {
		d.Ack(rec)
	}
}

func (d *Deliveries) lose(err error) {
	d.lost.Add(1)
	d.mu.Lock()
	if d.err == nil {
		d.err = err
	}
	d.mu.Unlock()
}

// Acked returns how many records were acknowledged, and how many will not
// be because a write of their result failed.
func (d *Deliveries) Acked() (acked, lost int64) { return d.acked.Load(), d.lost.Load() }

// Err returns the first write error reported to a callback from After.
func (d *Deliveries) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}
