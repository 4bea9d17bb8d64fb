package cli

import (
	"cmp"
	"maps"
	"slices"
	"sync"
)

// ledger is what the sink knows of each input in flight, by ID: its line,
// values and record. IDs come in sequence (flow.NewContext), so an input
// lives in a ring slot chosen by its ID, found without hashing; one whose
// slot is still taken (an input far behind, retrying, holds it) lives in
// a map. The zero value is empty; it is safe for concurrent use, with its
// own lock, so intake does not wait for a result being written.
type ledger struct {
	mu    sync.Mutex
	ring  []ledgerEntry // made on first use; len is a power of two
	more  map[uint64]inFlight
	count int
}

type ledgerEntry struct {
	id uint64 // 0: free (flow.NewContext never hands out 0)
	inFlight
}

const ledgerRing = 8192 // a few times the default max_in_flight (1024)

// put records in under id.
func (l *ledger) put(id uint64, in inFlight) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ring == nil {
		l.ring = make([]ledgerEntry, ledgerRing)
	}
	l.count++
	if e := &l.ring[id&(ledgerRing-1)]; e.id == 0 {
		*e = ledgerEntry{id, in}
		return
	}
	if l.more == nil {
		l.more = map[uint64]inFlight{}
	}
	l.more[id] = in
}

// take removes and returns what is recorded under id.
func (l *ledger) take(id uint64) (inFlight, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ring != nil {
		if e := &l.ring[id&(ledgerRing-1)]; e.id == id {
			in := e.inFlight
			*e = ledgerEntry{}
			l.count--
			return in, true
		}
	}
	in, ok := l.more[id]
	if ok {
		delete(l.more, id)
		l.count--
	}
	return in, ok
}

// ids returns the IDs of every input recorded, in the order of their
// lines.
func (l *ledger) ids() []uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := make(map[uint64]int, l.count)
	for _, e := range l.ring {
		if e.id != 0 {
			line[e.id] = e.line
		}
	}
	for id, in := range l.more {
		line[id] = in.line
	}
	return slices.SortedFunc(maps.Keys(line), func(a, b uint64) int { return cmp.Compare(line[a], line[b]) })
}
