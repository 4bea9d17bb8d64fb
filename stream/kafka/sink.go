package kafka

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serviceflow/serviceflow/stream"
)

// Sink produces messages to one topic. A message is durable once all
// in-sync replicas have it. Create it with [NewSink].
//
// While the cluster is lost, franz-go retries each produce with backoff
// (without limit): Write blocks once its buffer is full, nothing is
// reported durable meanwhile, and [Sink.Health] says why it is degraded.
type Sink struct {
	h    *health // the cluster answers
	cfg  Config
	cl   *kgo.Client
	once sync.Once
	err  error
}

var (
	_ stream.Sink   = (*Sink)(nil)
	_ stream.Health = (*Sink)(nil)
)

// NewSink connects to cfg's cluster to produce to cfg.Topic. It fails
// with an error matching ErrUnreachable if no broker answers within 10 s.
func NewSink(ctx context.Context, cfg Config, opts ...kgo.Opt) (*Sink, error) {
	h := &health{what: cfg.String(), log: cfg.logger()}
	all := append(cfg.common(),
		kgo.DefaultProduceTopic(cfg.Topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(0),
		kgo.WithHooks(h),
	)
	cl, err := kgo.NewClient(append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	if err := ping(ctx, cl, cfg); err != nil {
		cl.Close()
		return nil, err
	}
	return &Sink{h: h, cfg: cfg, cl: cl}, nil
}

// Write produces a copy of m with m.Key as the record key; durable is
// called once every in-sync replica has it. Write blocks while the
// client's buffer is full, until ctx ends.
func (s *Sink) Write(ctx context.Context, m stream.Message, durable func(error)) error {
	key, value := own(m)
	s.cl.Produce(ctx, &kgo.Record{Key: key, Value: value}, func(_ *kgo.Record, err error) {
		if err != nil {
			err = fmt.Errorf("kafka: produce to %s: %w", s.cfg.Topic, err)
		}
		durable(err)
	})
	return nil
}

// own copies m's key and value (the client sends them after Write
// returns) into one allocation.
func own(m stream.Message) (key, value []byte) {
	b := make([]byte, len(m.Key)+len(m.Value))
	n := copy(b, m.Key)
	copy(b[n:], m.Value)
	if m.Key != nil {
		key = b[:n:n]
	}
	return key, b[n:]
}

// Flush waits until every message written so far is acknowledged or has
// failed.
func (s *Sink) Flush(ctx context.Context) error { return s.cl.Flush(ctx) }

// Close flushes and disconnects. It is idempotent.
func (s *Sink) Close(ctx context.Context) error {
	s.once.Do(func() {
		s.err = s.cl.Flush(ctx)
		s.h.closed.Store(true)
		s.cl.Close()
	})
	return s.err
}

// Health returns nil while the cluster answers, else why not (matching
// stream.ErrBrokerLost).
func (s *Sink) Health() error { return s.h.link.Health() }

// Outages returns how many times the cluster was lost and for how long.
func (s *Sink) Outages() (int, time.Duration) { return s.h.link.Outages() }
