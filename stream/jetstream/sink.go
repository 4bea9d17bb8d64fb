package jetstream

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/stream"
)

// Sink publishes messages to one subject. A message is durable once the
// stream has acknowledged it. Create it with [NewSink].
//
// A publish that fails because the server is lost (disconnected, no
// answer, JetStream not ready after a restart) is published again, with
// backoff, until the stream acknowledges it or the sink is closed: a lost
// server delays results but does not fail them. Each message carries a
// Nats-Msg-Id, so the stream stores a message published twice once
// (within its duplicates window, 2 minutes by default).
type Sink struct {
	cfg  Config
	nc   *nats.Conn
	js   jetstream.JetStream
	link stream.Link

	id  string        // this sink's prefix of message IDs
	seq atomic.Uint64 // the last message ID's number

	acks    chan pending // published, waiting for the stream's ack, in order
	waiting sync.WaitGroup
	done    chan struct{}
	quit    context.Context // ends at Close, after the flush: retries give up
	cancel  context.CancelFunc
	probed  chan struct{} // closed when probeLoop returns
	once    sync.Once
	err     error
}

type pending struct {
	msg     *nats.Msg // as first published; a retry publishes a copy
	f       jetstream.PubAckFuture
	durable func(error)
}

var (
	_ stream.Sink   = (*Sink)(nil)
	_ stream.Health = (*Sink)(nil)
)

// maxPending bounds the messages published and not yet acknowledged.
const maxPending = 4096

// retryBackoff spaces the publishes of a message the stream did not
// acknowledge.
var retryBackoff = backoff.Exponential{Initial: 20 * time.Millisecond, Max: 2 * time.Second}

// NewSink connects to publish to cfg.Subject, which must belong to
// cfg.Stream.
func NewSink(ctx context.Context, cfg Config) (*Sink, error) {
	if cfg.Subject == "" {
		return nil, fmt.Errorf("%w: a sink needs ?subject=SUBJ", ErrURL)
	}
	s := &Sink{cfg: cfg, acks: make(chan pending, maxPending), done: make(chan struct{})}
	nc, err := cfg.connect(&s.link, nil)
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
	var b [8]byte
	_, _ = rand.Read(b[:])
	s.nc, s.js, s.id = nc, js, hex.EncodeToString(b[:])+"-"
	s.quit, s.cancel = context.WithCancel(context.Background())
	s.probed = make(chan struct{})
	go s.wait()
	go s.probeLoop()
	return s, nil
}

// probeEvery is how often a sink that lost its server asks the stream
// whether it is back, when it has nothing to publish that would tell.
const probeEvery = 250 * time.Millisecond

// probeLoop brings the sink's health back once the stream answers again,
// even if nothing is published then.
func (s *Sink) probeLoop() {
	defer close(s.probed)
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-s.quit.Done():
			return
		}
		if s.link.Health() == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(s.quit, 2*time.Second)
		_, err := s.js.Stream(ctx, s.cfg.Stream)
		cancel()
		if err == nil {
			s.back()
		}
	}
}

// Write publishes a copy of m's value (kept until its ack, to publish it
// again if the server is lost); durable is called with the stream's
// answer. Write blocks while maxPending messages await their acks, or
// while the server is lost, until ctx ends.
func (s *Sink) Write(ctx context.Context, m stream.Message, durable func(error)) error {
	msg := &nats.Msg{Subject: s.cfg.Subject, Data: bytes.Clone(m.Value), Header: nats.Header{}}
	msg.Header.Set(jetstream.MsgIDHeader, s.id+strconv.FormatUint(s.seq.Add(1), 36))
	f, err := s.publish(ctx, msg)
	if err != nil {
		durable(err)
		return err
	}
	s.waiting.Add(1)
	select {
	case s.acks <- pending{msg, f, durable}:
		return nil
	case <-ctx.Done():
		s.waiting.Done()
		durable(ctx.Err())
		return ctx.Err()
	}
}

// publish publishes a copy of msg (a message is published once per copy:
// nats.go sets its reply subject), again with backoff while the server is
// lost, until ctx ends.
func (s *Sink) publish(ctx context.Context, msg *nats.Msg) (jetstream.PubAckFuture, error) {
	for attempt := 1; ; attempt++ {
		f, err := s.js.PublishMsgAsync(&nats.Msg{Subject: msg.Subject, Data: msg.Data, Header: msg.Header})
		if err == nil {
			return f, nil
		}
		err = fmt.Errorf("jetstream: publish to %s: %w", s.cfg.Subject, err)
		if !retryable(err) {
			return nil, err
		}
		s.lost(err)
		if werr := backoff.Sleep(ctx, retryBackoff.Delay(attempt)); werr != nil {
			return nil, errors.Join(werr, err)
		}
	}
}

// wait reports each publish's ack, in order, publishing again those the
// stream did not acknowledge because the server was lost.
func (s *Sink) wait() {
	defer close(s.done)
	for p := range s.acks {
		p.durable(s.await(p))
		s.waiting.Done()
	}
}

// await waits for p's ack, publishing p again while the server is lost,
// until Close gives up.
func (s *Sink) await(p pending) error {
	f := p.f
	for attempt := 1; ; attempt++ {
		var err error
		select {
		case <-f.Ok():
			s.back()
			return nil
		case err = <-f.Err():
		}
		err = fmt.Errorf("jetstream: publish to %s: %w", s.cfg.Subject, err)
		if !retryable(err) {
			return err
		}
		s.lost(err)
		if werr := backoff.Sleep(s.quit, retryBackoff.Delay(attempt)); werr != nil {
			return err
		}
		if f, err = s.publish(s.quit, p.msg); err != nil {
			return err
		}
	}
}

// retryable says whether a publish that failed with err may succeed once
// the server is back: anything but a JetStream API error (a message too
// large, a stream refusing it) or a closed connection. An API error with
// code 503 is JetStream not being ready yet.
func retryable(err error) bool {
	var api *jetstream.APIError
	switch {
	case errors.As(err, &api):
		return api.Code == 503
	case errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, nats.ErrMaxPayload),
		errors.Is(err, nats.ErrBadSubject), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return true
}

// lost marks the server lost, unless err is only the echo of a
// disconnection the connection has recovered from (nats.go fails every ack
// pending when it reconnects): that one is simply published again.
func (s *Sink) lost(err error) {
	if errors.Is(err, nats.ErrDisconnected) && s.nc.IsConnected() {
		return
	}
	if s.link.Lost(err) {
		s.cfg.logger().Warn("jetstream: publish failed; retrying", "stream", s.cfg.String(), "err", err)
	}
}

func (s *Sink) back() {
	if d, was := s.link.Back(); was {
		s.cfg.logger().Info("jetstream: publishing again", "stream", s.cfg.String(), "after", d.Round(time.Millisecond))
	}
}

// Health returns nil while the stream acknowledges what the sink
// publishes, else why not (matching stream.ErrBrokerLost).
func (s *Sink) Health() error { return s.link.Health() }

// Outages returns how many times the server was lost and for how long.
func (s *Sink) Outages() (int, time.Duration) { return s.link.Outages() }

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

// Close flushes and disconnects: a message still unacknowledged when ctx
// ends is reported lost. It is idempotent; no Write may follow.
func (s *Sink) Close(ctx context.Context) error {
	s.once.Do(func() {
		s.err = s.Flush(ctx)
		s.cancel()
		close(s.acks)
		<-s.done
		<-s.probed
		s.nc.Close()
	})
	return s.err
}
