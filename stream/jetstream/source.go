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

// confirmEvery is how often a Source confirms the acks it sent (one round
// trip to the server for all of them); it confirms sooner when half its
// window is acked and unconfirmed.
const confirmEvery = 250 * time.Millisecond

// pullAhead is how many messages the consumer's iterator pulls ahead.
const pullAhead = 256

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
	win     *stream.Window
	confirm chan struct{} // half the window is acked and unconfirmed: confirm now

	mu          sync.Mutex
	inFlight    map[uint64]*held // stream sequence → handed out, not acked
	acked       recent           // stream sequences acked lately
	maxAcked    uint64           // the highest stream sequence acked (for Close's settle)
	unconfirmed int              // acks sent since the last confirmed round trip
	repeats     int              // redeliveries of a message held or acked, dropped
	lag         Lag              // at the last poll

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
	s := &Source{cfg: cfg, inFlight: map[uint64]*held{}, kick: make(chan struct{}, 1), stop: make(chan struct{}),
		win: stream.NewWindow(cfg.Window), confirm: make(chan struct{}, 1)}
	s.acked = newRecent(2*s.win.Size() + 4*pullAhead)
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
	go s.loop()
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
	it, err := cons.Messages(jetstream.PullMaxMessages(pullAhead))
	if err != nil {
		return fmt.Errorf("jetstream: consumer %s: %w", s.cfg.Durable, err)
	}
	s.st, s.cons, s.it = st, cons, it
	return nil
}

// held is a message handed out and not yet acked.
type held struct {
	msg   jetstream.Msg
	since time.Time // its last sign of progress
}

// Next returns the next message: its stream sequence is the record's
// Offset and its subject the record's Key. It waits while the window is
// full: Config.Window messages handed out whose acks the server has not
// confirmed. A redelivery of a message this source holds or has just acked
// (the server's ack wait passed while it waited in the pull buffer, say)
// is not handed out again: its result is on its way, or durable.
func (s *Source) Next(ctx context.Context) (stream.Record, error) {
	if err := s.win.Acquire(ctx); err != nil {
		return stream.Record{}, err
	}
	rec, err := s.next(ctx)
	if err != nil {
		s.win.Release(1)
	}
	return rec, err
}

func (s *Source) next(ctx context.Context) (stream.Record, error) {
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
		seq := meta.Sequence.Stream
		s.mu.Lock()
		_, holding := s.inFlight[seq]
		repeat := holding || s.acked.has(seq)
		if repeat {
			s.repeats++
		} else {
			s.inFlight[seq] = &held{msg: msg, since: time.Now()}
		}
		s.mu.Unlock()
		if repeat {
			// Acking either delivery acks the sequence: the one held will;
			// one acked already is acked again, harmlessly.
			if !holding {
				_ = msg.Ack()
			}
			continue
		}
		rec := stream.Record{
			Pos:    stream.Position{Offset: int64(seq)},
			Key:    []byte(msg.Subject()),
			Handle: msg,
		}
		m, derr := jsonl.Decode(msg.Data(), s.cfg.Decoding...)
		var le *jsonl.LineError
		if errors.As(derr, &le) {
			le.Line = int(seq)
		}
		rec.Values, rec.Bad = m, derr
		return rec, nil
	}
}

// Ack acks rec's message: its result is durable. The ack counts as
// committed once a round trip to the server confirms it arrived (at least
// every confirmEvery, sooner when half the window waits).
func (s *Source) Ack(rec stream.Record) {
	msg, ok := rec.Handle.(jetstream.Msg)
	if !ok {
		return
	}
	_ = msg.Ack() // a lost ack only means one more delivery
	seq := uint64(rec.Pos.Offset)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.inFlight[seq]; !ok {
		return
	}
	delete(s.inFlight, seq)
	s.acked.add(seq, msg.Reply())
	s.maxAcked = max(s.maxAcked, seq)
	s.unconfirmed++
	if s.unconfirmed >= s.win.Half() {
		select {
		case s.confirm <- struct{}{}:
		default:
		}
	}
}

// loop tells the server, for every message in flight longer than half the
// ack wait, that it is still being worked on, and confirms the acks sent.
func (s *Source) loop() {
	defer s.stopped.Done()
	progress := time.NewTicker(s.ackWait / 4)
	defer progress.Stop()
	confirm := time.NewTicker(confirmEvery)
	defer confirm.Stop()
	for {
		select {
		case <-progress.C:
			s.progress()
		case <-confirm.C:
			s.confirmAcks()
		case <-s.confirm:
			s.confirmAcks()
		case <-s.stop:
			return
		}
	}
}

func (s *Source) progress() {
	now := time.Now()
	var due []jetstream.Msg
	s.mu.Lock()
	for _, h := range s.inFlight {
		if now.Sub(h.since) >= s.ackWait/2 {
			due = append(due, h.msg)
			h.since = now
		}
	}
	s.mu.Unlock()
	for _, msg := range due {
		_ = msg.InProgress()
	}
}

// confirmAcks makes sure the server has the acks sent so far (a flush:
// one round trip), then gives their slots back to the window.
func (s *Source) confirmAcks() {
	s.mu.Lock()
	n := s.unconfirmed
	s.unconfirmed = 0
	s.mu.Unlock()
	if n == 0 {
		return
	}
	if err := s.nc.Flush(); err != nil {
		s.mu.Lock()
		s.unconfirmed += n // reconnecting: the acks go out after it; confirm them then
		s.mu.Unlock()
		return
	}
	s.win.Release(n)
}

// InFlight returns how many messages are handed out and not acked.
func (s *Source) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.inFlight)
}

// Repeats returns how many redeliveries of a message this source held or
// had just acked it dropped instead of handing them out again.
func (s *Source) Repeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repeats
}

// Close sends the acks given and disconnects; messages not acked are
// delivered again after the ack wait. It is idempotent.
//
// Once the acks are sent it polls the consumer until the server has
// applied them (it does so on its own time), for at most settleTimeout, so
// [Source.Lag] after Close is the run's last word.
func (s *Source) Close(context.Context) error {
	s.once.Do(func() {
		close(s.stop)
		s.stopped.Wait()
		s.it.Stop()
		s.err = s.nc.Flush()
		if s.err == nil {
			s.settle()
		}
		s.nc.Close()
	})
	return s.err
}

// settleTimeout bounds how long Close waits for the server to apply the
// acks it flushed.
const settleTimeout = time.Second

// settle polls the consumer until its ack floor reaches what this source
// acked: the highest sequence acked below every one it still holds. With
// other consumers on the durable holding messages below it, it gives up at
// settleTimeout. A lag left stale is only shown.
func (s *Source) settle() {
	s.mu.Lock()
	mark := s.maxAcked
	for seq := range s.inFlight {
		if seq <= mark {
			mark = seq - 1
		}
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		ci, err := s.pollInfo(ctx)
		if err != nil || ci.AckFloor.Stream >= mark {
			return
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}
