package actors

import (
	"sync"
	"time"
	"unicode/utf8"

	"github.com/serviceflow/serviceflow/snapshot"
)

// events is a bounded ring of recent events, safe for concurrent use.
type events struct {
	mu   sync.Mutex
	ring []snapshot.Event
	next int
	full bool
}

func newEvents(n int) *events { return &events{ring: make([]snapshot.Event, n)} }

func (e *events) add(kind snapshot.EventKind, stage string, input uint64, msg string) {
	ev := snapshot.Event{Time: time.Now(), Kind: kind, Stage: stage, Input: input, Message: bound(msg, 512)}
	e.mu.Lock()
	e.ring[e.next] = ev
	e.next++
	if e.next == len(e.ring) {
		e.next, e.full = 0, true
	}
	e.mu.Unlock()
}

// list returns the events oldest first.
func (e *events) list() []snapshot.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.full {
		return append([]snapshot.Event(nil), e.ring[:e.next]...)
	}
	out := make([]snapshot.Event, 0, len(e.ring))
	out = append(out, e.ring[e.next:]...)
	return append(out, e.ring[:e.next]...)
}

// bound cuts s to at most n bytes, at a character boundary, marking the cut
// with "…": a message cut in the middle of a UTF-8 sequence would be invalid
// text in the monitor, the JSON snapshot and the logs.
func bound(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
