package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
)

// commitEvery is how often a Source commits while records finish (well
// within the second promised); it commits sooner when half its window is
// finished and waiting.
const commitEvery = 250 * time.Millisecond

// Source consumes one topic in a consumer group. Create it with
// [NewSource]; see the package doc for what it commits and when.
//
// While the cluster is lost, franz-go retries with backoff: Next waits,
// acknowledgements wait for the next commit that goes through, and
// [Source.Health] says why it is degraded.
type Source struct {
	cfg Config
	cl  *kgo.Client
	log *slog.Logger
	h   *health // the cluster answers

	buf  []*kgo.Record // polled, not yet handed out; owned by Next
	win  *stream.Window
	kick chan struct{} // half the window is committable: commit now

	mu        sync.Mutex
	offs      stream.Offsets
	epochs    map[int32]uint64 // partition → the assignment its records belong to; absent: not ours
	gen       uint64
	committed map[int32]int64 // last commit per partition
	high      map[int32]int64 // partition → its high watermark at the last fetch
	revoking  map[int32]bool  // partitions being revoked: nothing more handed out
	acks      chan struct{}   // while revoking: an ack arrived
	closing   bool            // Close has begun: a revoke waits for nothing

	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
	err     error
}

var (
	_ stream.Source = (*Source)(nil)
	_ stream.Health = (*Source)(nil)
)

// NewSource joins cfg.Group on cfg.Topic. It fails with an error matching
// ErrUnreachable if no broker answers within 10 s.
func NewSource(ctx context.Context, cfg Config, opts ...kgo.Opt) (*Source, error) {
	if cfg.Group == "" {
		return nil, fmt.Errorf("%w: a source needs ?group=NAME", ErrURL)
	}
	s := &Source{
		cfg: cfg, log: cfg.logger(),
		epochs: map[int32]uint64{}, committed: map[int32]int64{}, high: map[int32]int64{}, revoking: map[int32]bool{},
		stop: make(chan struct{}), stopped: make(chan struct{}),
		win: stream.NewWindow(cfg.Window), kick: make(chan struct{}, 1),
		h: &health{what: cfg.String(), log: cfg.logger()},
	}
	reset := kgo.NewOffset().AtStart()
	if cfg.Latest {
		reset = kgo.NewOffset().AtEnd()
	}
	all := append(cfg.common(),
		kgo.ConsumerGroup(cfg.Group),
		kgo.ConsumeTopics(cfg.Topic),
		kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(reset),
		kgo.OnPartitionsAssigned(s.assigned),
		kgo.OnPartitionsRevoked(s.revoked),
		kgo.OnPartitionsLost(s.lost),
		kgo.WithHooks(s.h),
	)
	if cfg.SessionTimeout > 0 {
		all = append(all, kgo.SessionTimeout(cfg.SessionTimeout), kgo.HeartbeatInterval(cfg.SessionTimeout/3))
	}
	cl, err := kgo.NewClient(append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	if err := ping(ctx, cl, cfg); err != nil {
		cl.Close()
		return nil, err
	}
	s.cl = cl
	go s.commitLoop()
	return s, nil
}

// Next returns the next record of a partition this consumer owns. It
// waits while the window is full: Config.Window records handed out and not
// yet committed.
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
		for len(s.buf) > 0 {
			r := s.buf[0]
			s.buf[0] = nil
			s.buf = s.buf[1:]
			rec, ok := s.take(r)
			if ok {
				return rec, nil
			}
		}
		fs := s.cl.PollRecords(ctx, 1024)
		if fs.IsClientClosed() {
			return stream.Record{}, io.EOF
		}
		if err := ctx.Err(); err != nil {
			return stream.Record{}, err
		}
		fs.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) && s.h.link.Health() == nil { // once, not at every retry of an outage
				s.log.Warn("kafka: fetch failed; retrying", "topic", topic, "partition", p, "err", err)
			}
		})
		s.mu.Lock()
		fs.EachPartition(func(p kgo.FetchTopicPartition) {
			if _, ours := s.epochs[p.Partition]; ours && p.HighWatermark > 0 {
				s.high[p.Partition] = p.HighWatermark
			}
		})
		s.mu.Unlock()
		s.buf = fs.Records()
	}
}

// Partition is what a Source knows of one partition it owns.
type Partition struct {
	ID        int32
	Committed int64 // the offset committed last (-1: none yet)
	Next      int64 // the commit point: every record before it is done (-1: nothing read yet)
	High      int64 // the high watermark at the last fetch (-1: not fetched yet)
	InFlight  int   // records handed out and not acknowledged
	// Lag is how many records of the partition are not done: from the
	// commit point (or the committed offset) to the high watermark.
	Lag int64
}

// Partitions returns the partitions this consumer owns, in order.
func (s *Source) Partitions() []Partition {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ps []Partition
	for id := range s.epochs {
		p := Partition{ID: id, Committed: -1, Next: -1, High: -1, InFlight: s.offs.InFlight(id)}
		if c, ok := s.committed[id]; ok {
			p.Committed = c
		}
		if n, ok := s.offs.Next(id); ok {
			p.Next = n
		}
		if h, ok := s.high[id]; ok {
			p.High = h
			from := max(p.Next, p.Committed)
			if from >= 0 {
				p.Lag = max(0, h-from)
			} else {
				p.Lag = h
			}
		}
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b Partition) int { return cmp.Compare(a.ID, b.ID) })
	return ps
}

// take hands out r if its partition is still ours.
func (s *Source) take(r *kgo.Record) (stream.Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	epoch, ok := s.epochs[r.Partition]
	if !ok || s.revoking[r.Partition] {
		return stream.Record{}, false // revoked while buffered: the new owner reads it
	}
	pos := stream.Position{Partition: r.Partition, Offset: r.Offset}
	if !s.offs.Start(pos) {
		return stream.Record{}, false // already handed out in this assignment
	}
	rec := stream.Record{Pos: pos, Key: r.Key, Handle: epoch}
	rec.Values, rec.Bad = decode(r.Value, r.Offset, s.cfg.Decoding)
	return rec, true
}

func decode(v []byte, offset int64, opts []jsonl.Option) (map[string]any, error) {
	m, err := jsonl.Decode(v, opts...)
	var le *jsonl.LineError
	if errors.As(err, &le) {
		le.Line = int(offset)
	}
	return m, err
}

// Ack records that rec's result is durable; it is committed with the next
// batch, at once if half the window is then committable. An ack for a
// partition revoked since rec was handed out is dropped.
func (s *Source) Ack(rec stream.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if epoch, ok := s.epochs[rec.Pos.Partition]; !ok || rec.Handle != epoch {
		return
	}
	s.offs.Done(rec.Pos)
	if s.acks != nil {
		select {
		case s.acks <- struct{}{}:
		default:
		}
	}
	if s.offs.Committable() >= s.win.Half() {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

func (s *Source) assigned(_ context.Context, _ *kgo.Client, parts map[string][]int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range parts[s.cfg.Topic] {
		s.gen++
		s.epochs[p] = s.gen
		s.win.Release(s.offs.Drop(p))
		delete(s.committed, p)
		delete(s.revoking, p)
	}
}

// revoked lets the records of the revoked partitions still in flight
// finish (for at most Config.RevokeWait, the group waiting meanwhile),
// commits them, then forgets the partitions: so a rebalance repeats
// nothing, unless a record takes longer than that. Records of theirs still
// buffered are not handed out: the new owner reads them.
func (s *Source) revoked(ctx context.Context, _ *kgo.Client, parts map[string][]int32) {
	ps := parts[s.cfg.Topic]
	s.mu.Lock()
	for _, p := range ps {
		s.revoking[p] = true
	}
	wait := !s.closing
	if wait {
		s.acks = make(chan struct{}, 1)
	}
	s.mu.Unlock()
	if wait {
		s.awaitFinished(ctx, ps)
	}
	if err := s.commit(ctx, ps); err != nil {
		s.log.Warn("kafka: commit on revoke failed; the new owner redoes what it missed", "err", err)
	}
	s.forget(ps)
}

// awaitFinished waits until no record of ps is in flight, RevokeWait
// passes or ctx ends.
func (s *Source) awaitFinished(ctx context.Context, ps []int32) {
	limit := s.cfg.RevokeWait
	if limit <= 0 {
		limit = 10 * time.Second
	}
	t := time.NewTimer(limit)
	defer t.Stop()
	defer func() {
		s.mu.Lock()
		s.acks = nil
		s.mu.Unlock()
	}()
	for {
		s.mu.Lock()
		left, acks := 0, s.acks
		for _, p := range ps {
			if _, ours := s.epochs[p]; ours {
				left += s.offs.InFlight(p)
			}
		}
		s.mu.Unlock()
		if left == 0 {
			return
		}
		select {
		case <-acks:
		case <-t.C:
			s.log.Warn("kafka: revoked partitions still had records in flight; the new owner redoes them", "records", left, "waited", limit)
			return
		case <-ctx.Done():
			return
		}
	}
}

// lost forgets partitions without committing: the group has moved on, so
// a commit would be refused or, worse, overwrite the new owner's.
func (s *Source) lost(_ context.Context, _ *kgo.Client, parts map[string][]int32) {
	if ps := parts[s.cfg.Topic]; len(ps) > 0 {
		s.mu.Lock()
		n := 0
		for _, p := range ps {
			n += s.offs.InFlight(p)
		}
		s.mu.Unlock()
		s.log.Warn("kafka: partitions lost (the group moved on without this member); what they had uncommitted is redone by their next owner",
			"partitions", ps, "in_flight", n)
	}
	s.forget(parts[s.cfg.Topic])
}

func (s *Source) forget(parts []int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range parts {
		delete(s.epochs, p)
		delete(s.committed, p)
		delete(s.high, p)
		delete(s.revoking, p)
		s.win.Release(s.offs.Drop(p)) // the new owner reads them again
	}
}

// commit commits the commit point of each partition in only (every owned
// partition if only is nil) that moved since its last commit.
func (s *Source) commit(ctx context.Context, only []int32) error {
	s.mu.Lock()
	marks := s.offs.Marks()
	offsets := map[int32]kgo.EpochOffset{}
	want := func(p int32) bool {
		if only == nil {
			return true
		}
		for _, q := range only {
			if q == p {
				return true
			}
		}
		return false
	}
	for p, next := range marks {
		if _, ours := s.epochs[p]; !ours || !want(p) {
			continue
		}
		if last, ok := s.committed[p]; ok && last == next {
			continue
		}
		offsets[p] = kgo.EpochOffset{Epoch: -1, Offset: next}
	}
	s.mu.Unlock()
	if len(offsets) == 0 {
		return nil
	}
	var cerr error
	s.cl.CommitOffsetsSync(ctx, map[string]map[int32]kgo.EpochOffset{s.cfg.Topic: offsets},
		func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
			cerr = commitError(resp, err)
		})
	if cerr != nil {
		return fmt.Errorf("kafka: commit: %w", cerr)
	}
	s.mu.Lock()
	for p, o := range offsets {
		if _, ours := s.epochs[p]; ours {
			s.committed[p] = o.Offset
			s.win.Release(s.offs.Commit(p, o.Offset))
		}
	}
	s.mu.Unlock()
	return nil
}

func (s *Source) commitLoop() {
	defer close(s.stopped)
	t := time.NewTicker(commitEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-s.kick:
		case <-s.stop:
			return
		}
		if err := s.commit(context.Background(), nil); err != nil && s.h.link.Health() == nil {
			s.log.Warn("kafka: commit failed; will retry", "err", err)
		}
	}
}

// Close commits what is finished and leaves the group (revoking every
// partition, which commits once more). It is idempotent.
func (s *Source) Close(ctx context.Context) error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closing = true // drained: what is still in flight will not finish
		s.mu.Unlock()
		close(s.stop)
		<-s.stopped
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		s.err = s.commit(cctx, nil)
		s.h.closed.Store(true)
		s.cl.Close()
	})
	return s.err
}

// commitError is the first error of a commit: the request's, or a
// partition's.
func commitError(resp *kmsg.OffsetCommitResponse, err error) error {
	if err != nil || resp == nil {
		return err
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return fmt.Errorf("partition %d: %w", p.Partition, err)
			}
		}
	}
	return nil
}

// Health returns nil while the cluster answers, else why not (matching
// stream.ErrBrokerLost).
func (s *Source) Health() error { return s.h.link.Health() }

// Outages returns how many times the cluster was lost and for how long.
func (s *Source) Outages() (int, time.Duration) { return s.h.link.Outages() }
