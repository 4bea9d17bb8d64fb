package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"
)

// memSource yields recs, then io.EOF, and records acks.
type memSource struct {
	recs []Record
	next int

	mu     sync.Mutex
	acked  map[Position]int
	closed bool
	// durable, if set, is consulted at each ack: the record's writes must
	// all be durable by then.
	check func(Record)
}

func (s *memSource) Next(ctx context.Context) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	if s.next == len(s.recs) {
		return Record{}, io.EOF
	}
	s.next++
	return s.recs[s.next-1], nil
}

func (s *memSource) Ack(rec Record) {
	if s.check != nil {
		s.check(rec)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.acked == nil {
		s.acked = map[Position]int{}
	}
	s.acked[rec.Pos]++
}

func (s *memSource) Close(context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

// memSink keeps what is written; a message becomes durable at the next
// Flush, or at once when eager.
type memSink struct {
	eager bool
	fail  func(Message) error // a non-nil error loses the message
	// refuse, if set, is asked first: a non-nil error is reported at once
	// (to durable and as Write's error), as a sink with a sticky error does.
	refuse func(Message) error

	mu      sync.Mutex
	pending []func()
	durable []Message
	seen    map[float64]bool // the "n" of every durable message
}

func (s *memSink) Write(_ context.Context, m Message, durable func(error)) error {
	m = Message{Key: bytes.Clone(m.Key), Value: bytes.Clone(m.Value)} // lent for the call
	if s.refuse != nil {
		if err := s.refuse(m); err != nil {
			durable(err)
			return err
		}
	}
	var err error
	if s.fail != nil {
		err = s.fail(m)
	}
	fire := func() {
		if err == nil {
			var v map[string]any
			_ = json.Unmarshal(m.Value, &v)
			s.mu.Lock()
			s.durable = append(s.durable, m)
			if n, ok := v["n"].(float64); ok {
				if s.seen == nil {
					s.seen = map[float64]bool{}
				}
				s.seen[n] = true
			}
			s.mu.Unlock()
		}
		durable(err)
	}
	if s.eager {
		fire()
		return nil
	}
	s.mu.Lock()
	s.pending = append(s.pending, fire)
	s.mu.Unlock()
	return nil
}

func (s *memSink) Flush(context.Context) error {
	s.mu.Lock()
	pending := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, f := range pending {
		f()
	}
	return nil
}

func (s *memSink) Close(ctx context.Context) error { return s.Flush(ctx) }

func (s *memSink) messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.durable...)
}

// has reports whether a message with "n": n is durable.
func (s *memSink) has(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[float64(n)]
}
