package stream

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrBrokerLost is matched (errors.Is) by the error a [Health] reports
// while its broker is lost.
var ErrBrokerLost = errors.New("broker lost")

// Health is implemented by a [Source] or [Sink] whose broker can be lost
// mid-run. Such a connector retries on its own, with backoff, for as long
// as it is open: meanwhile its Next waits, its writes wait or are retried,
// and nothing is acknowledged, so losing the broker loses nothing. Health
// is how the program shows it (the monitor's DEGRADED).
//
// Both methods are safe for concurrent use and cheap (no I/O): call them
// per snapshot.
type Health interface {
	// Health returns nil while the broker is reachable, and otherwise why
	// not: an error matching ErrBrokerLost.
	Health() error
	// Outages returns how many times the broker was lost since the
	// connector opened, and for how long in all (the current outage
	// included).
	Outages() (n int, down time.Duration)
}

// Link tracks the health of one connection, for connectors that
// implement [Health]: they call Lost when the connection fails and Back
// once it works again. A zero Link is up. It is safe for concurrent use.
type Link struct {
	mu    sync.Mutex
	err   error     // while lost: why
	since time.Time // while lost: since when
	n     int
	down  time.Duration // of the outages over
}

// Lost records that the connection failed with cause. It returns true
// when the connection was up until now (log it then, not at every retry).
// While lost, a later cause replaces the reason but not the start.
func (l *Link) Lost(cause error) (first bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	first = l.err == nil
	if first {
		l.since = time.Now()
		l.n++
	}
	l.err = fmt.Errorf("%w: %w", ErrBrokerLost, cause)
	return first
}

// Back records that the connection works. It returns how long it was
// lost, and false if it was not.
func (l *Link) Back() (lost time.Duration, was bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		return 0, false
	}
	lost = time.Since(l.since)
	l.down += lost
	l.err = nil
	return lost, true
}

// Health returns nil while the connection is up, else why it is lost
// (matching ErrBrokerLost and the cause given to Lost).
func (l *Link) Health() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Outages returns how many times the connection was lost and for how long
// in all.
func (l *Link) Outages() (n int, down time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	down = l.down
	if l.err != nil {
		down += time.Since(l.since)
	}
	return l.n, down
}

var _ Health = (*Link)(nil)
