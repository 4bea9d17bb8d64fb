package jetstream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/serviceflow/serviceflow/stream"
)

// Sink publishes messages to one subject. A message is durable once the
// stream has acknowledged it. Create it with [NewSink].
type Sink struct {
	cfg Config
	nc  *nats.Conn
	js  jetstream.JetStream

	acks    chan pending // published, waiting for the stream's ack, in order
	waiting sync.WaitGroup
	done    chan struct{}
	once    sync.Once
	err     error
}

type pending struct {
	f       jetstream.PubAckFuture
	durable func(error)
}

var _ stream.Sink = (*Sink)(nil)

// maxPending bounds the messages published and not yet acknowledged.
const maxPending = 4096

// NewSink connects to publish to cfg.Subject, which must belong to
// cfg.Stream.
func NewSink(ctx context.Context, cfg Config) (*Sink, error) {
	if cfg.Subject == "" {
		return nil, fmt.Errorf("%w: a sink needs ?subject=SUBJ", ErrURL)
	}
	nc, err := cfg.connect()
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(maxPending), jetstream.WithPublishAsyncTimeout(30*time.Second))
	if err == nil {
		_, err = js.Stream(ctx, cfg.Stream)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			err = fmt.Errorf("%w: %s", ErrNoStream, cfg)
		}
	}
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	s := &Sink{cfg: cfg, nc: nc, js: js, acks: make(chan pending, maxPending), done: make(chan struct{})}
	go s.wait()
	return s, nil
}

// Write publishes m; durable is called with the stream's answer. Write
// blocks while maxPending messages await their acks, until ctx ends.
func (s *Sink) Write(ctx context.Context, m stream.Message, durable func(error)) error {
	f, err := s.js.PublishAsync(s.cfg.Subject, m.Value)
	if err != nil {
		err = fmt.Errorf("jetstream: publish to %s: %w", s.cfg.Subject, err)
		durable(err)
		return err
	}
	s.waiting.Add(1)
	select {
	case s.acks <- pending{f, durable}:
		return nil
	case <-ctx.Done():
		s.waiting.Done()
		durable(ctx.Err())
		return ctx.Err()
	}
}

// wait reports each publish's ack, in order.
func (s *Sink) wait() {
	defer close(s.done)
	for p := range s.acks {
		select {
		case <-p.f.Ok():
			p.durable(nil)
		case err := <-p.f.Err():
			p.durable(fmt.Errorf("jetstream: publish to %s: %w", s.cfg.Subject, err))
		}
		s.waiting.Done()
	}
}

// Flush waits until every message written so far is acknowledged or has
// failed, or ctx ends.
func (s *Sink) Flush(ctx context.Context) error {
	all := make(chan struct{})
	go func() { s.waiting.Wait(); close(all) }() // ends when the acks do
	select {
	case <-all:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close flushes and disconnects. It is idempotent; no Write may follow.
func (s *Sink) Close(ctx context.Context) error {
	s.once.Do(func() {
		s.err = s.Flush(ctx)
		close(s.acks)
		<-s.done
		s.nc.Close()
	})
	return s.err
}
