package jetstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
)

// Source reads a stream through a durable pull consumer. Create it with
// [NewSource].
//
// While its server is lost, Next waits (nats.go reconnects, with backoff,
// and the pull consumer resumes), acks are sent once it is back, and
// [Source.Health] says why it is degraded; the source is back once the
// consumer answers again.
type Source struct {
	cfg     Config
	nc      *nats.Conn
	st      jetstream.Stream
	cons    jetstream.Consumer
	it      jetstream.MessagesContext
	ackWait time.Duration
	link    stream.Link

	mu       sync.Mutex
	inFlight map[jetstream.Msg]time.Time // handed out, not acked → last sign of progress
	lag      Lag                         // at the last poll

	kick    chan struct{} // poll now (reconnected)
	stop    chan struct{}
	stopped sync.WaitGroup
	once    sync.Once
	err     error
}

var (
	_ stream.Source = (*Source)(nil)
	_ stream.Health = (*Source)(nil)
)

// ErrNoStream is the error of a stream that does not exist: streams are
// the operator's to create.
var ErrNoStream = errors.New("jetstream: no such stream")

// NewSource connects and binds to cfg.Durable on cfg.Stream, creating the
// durable consumer (explicit acks, cfg's filter, ack wait and max deliver)
// when it is missing.
func NewSource(ctx context.Context, cfg Config) (*Source, error) {
	if cfg.Durable == "" {
		return nil, fmt.Errorf("%w: a source needs ?durable=NAME", ErrURL)
	}
	s := &Source{cfg: cfg, inFlight: map[jetstream.Msg]time.Time{}, kick: make(chan struct{}, 1), stop: make(chan struct{})}
	nc, err := cfg.connect(&s.link, s.reconnected)
	if err != nil {
		return nil, err
	}
	s.nc = nc
	if err := s.bind(ctx); err != nil {
		nc.Close()
		return nil, err
	}
	s.lag = Lag{Name: cfg.Stream + "/" + cfg.Durable, AckFloor: -1, Last: -1}
	s.stopped.Add(2)
	go s.progressLoop()
	go s.pollLoop()
	return s, nil
}

func (s *Source) bind(ctx context.Context) error {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	st, err := js.Stream(ctx, s.cfg.Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("%w: %s", ErrNoStream, s.cfg)
	}
	if err != nil {
		return fmt.Errorf("jetstream: stream %s: %w", s.cfg.Stream, err)
	}
	cons, err := st.Consumer(ctx, s.cfg.Durable)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		cc := jetstream.ConsumerConfig{
			Durable:       s.cfg.Durable,
			AckPolicy:     jetstream.AckExplicitPolicy,
			FilterSubject: s.cfg.Subject,
			AckWait:       s.cfg.AckWait,
			MaxDeliver:    s.cfg.MaxDeliver,
		}
		if s.cfg.New {
			cc.DeliverPolicy = jetstream.DeliverNewPolicy
		}
		cons, err = st.CreateConsumer(ctx, cc)
	}
	if err != nil {
		return fmt.Errorf("jetstream: consumer %s: %w", s.cfg.Durable, err)
	}
	info := cons.CachedInfo()
	if info.Config.AckPolicy != jetstream.AckExplicitPolicy {
		return fmt.Errorf("jetstream: consumer %s acks %v; flowrun needs explicit acks", s.cfg.Durable, info.Config.AckPolicy)
	}
	s.ackWait = info.Config.AckWait
	if s.ackWait <= 0 {
		s.ackWait = 30 * time.Second
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(256))
	if err != nil {
		return fmt.Errorf("jetstream: consumer %s: %w", s.cfg.Durable, err)
	}
	s.st, s.cons, s.it = st, cons, it
	return nil
}

// Next returns the next message: its stream sequence is the record's
// Offset and its subject the record's Key.
func (s *Source) Next(ctx context.Context) (stream.Record, error) {
	for {
		msg, err := s.it.Next(jetstream.NextContext(ctx))
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return stream.Record{}, ctx.Err()
		case errors.Is(err, jetstream.ErrMsgIteratorClosed):
			return stream.Record{}, io.EOF
		case errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoHeartbeat):
			continue // the connection is recovering; the iterator goes on
		default:
			return stream.Record{}, fmt.Errorf("jetstream: %w", err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			_ = msg.Term() // not a JetStream message: never deliverable
			continue
		}
		rec := stream.Record{
			Pos:    stream.Position{Offset: int64(meta.Sequence.Stream)},
			Key:    []byte(msg.Subject()),
			Handle: msg,
		}
		m, derr := jsonl.Decode(msg.Data(), s.cfg.Decoding...)
		var le *jsonl.LineError
		if errors.As(derr, &le) {
			le.Line = int(meta.Sequence.Stream)
		}
		rec.Values, rec.Bad = m, derr
		s.mu.Lock()
		s.inFlight[msg] = time.Now()
		s.mu.Unlock()
		return rec, nil
	}
}

// Ack acks rec's message: its result is durable.
func (s *Source) Ack(rec stream.Record) {
	msg, ok := rec.Handle.(jetstream.Msg)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.inFlight, msg)
	s.mu.Unlock()
	_ = msg.Ack() // a lost ack only means one more delivery
}

// progressLoop tells the server, for every message in flight longer than
// half the ack wait, that it is still being worked on.
func (s *Source) progressLoop() {
	defer s.stopped.Done()
	t := time.NewTicker(s.ackWait / 4)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			now := time.Now()
			var due []jetstream.Msg
			s.mu.Lock()
			for msg, since := range s.inFlight {
				if now.Sub(since) >= s.ackWait/2 {
					due = append(due, msg)
					s.inFlight[msg] = now
				}
			}
			s.mu.Unlock()
			for _, msg := range due {
				_ = msg.InProgress()
			}
		case <-s.stop:
			return
		}
	}
}

// InFlight returns how many messages are handed out and not acked.
func (s *Source) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.inFlight)
}

// Close sends the acks given and disconnects; messages not acked are
// delivered again after the ack wait. It is idempotent.
func (s *Source) Close(context.Context) error {
	s.once.Do(func() {
		close(s.stop)
		s.stopped.Wait()
		s.it.Stop()
		s.err = s.nc.Flush()
		s.nc.Close()
	})
	return s.err
}
