package jetstream

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Lag is how far a Source's durable consumer is behind its stream, as the
// server said at the last poll (once a second, see [Source.Lag]).
type Lag struct {
	Name     string // STREAM/DURABLE
	AckFloor int64  // the stream sequence every message up to which is acked (-1: not polled yet)
	Last     int64  // the stream's last sequence (-1: not polled yet)
	// Pending is how many messages of the consumer are not done: not
	// delivered yet, or delivered and not acked.
	Pending int64
	Polled  time.Time // when; zero before the first poll answered
}

// lagEvery is how often a Source polls its consumer's info; pollTimeout
// bounds one poll.
const (
	lagEvery    = time.Second
	pollTimeout = 2 * time.Second
)

// Lag returns the consumer's lag at the last poll. It makes no request.
func (s *Source) Lag() Lag {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lag
}

// Health returns nil while the consumer answers, else why not (matching
// stream.ErrBrokerLost).
func (s *Source) Health() error { return s.link.Health() }

// Outages returns how many times the server was lost and for how long.
func (s *Source) Outages() (int, time.Duration) { return s.link.Outages() }

// reconnected asks for a poll at once: the consumer may answer again.
func (s *Source) reconnected() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// pollLoop polls the consumer's info every lagEvery, and at once after a
// reconnection, for Lag and Health.
func (s *Source) pollLoop() {
	defer s.stopped.Done()
	t := time.NewTicker(lagEvery)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), pollTimeout)
		err := s.poll(ctx)
		cancel()
		switch {
		case err == nil:
			if d, was := s.link.Back(); was {
				s.cfg.logger().Info("jetstream: consumer answers again", "consumer", s.cfg.String()+"/"+s.cfg.Durable, "after", d.Round(time.Millisecond))
				s.reack()
			}
		case s.nc.IsClosed():
		default:
			if s.link.Lost(err) {
				s.cfg.logger().Warn("jetstream: consumer does not answer; retrying", "consumer", s.cfg.String()+"/"+s.cfg.Durable, "err", err)
			}
		}
		select {
		case <-t.C:
		case <-s.kick:
		case <-s.stop:
			return
		}
	}
}

// poll asks the server for the consumer's and the stream's state.
func (s *Source) poll(ctx context.Context) error {
	_, err := s.pollInfo(ctx)
	return err
}

// pollInfo is poll, returning the consumer's info.
func (s *Source) pollInfo(ctx context.Context) (*jetstream.ConsumerInfo, error) {
	ci, err := s.cons.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("jetstream: consumer %s: %w", s.cfg.Durable, err)
	}
	si, err := s.st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("jetstream: stream %s: %w", s.cfg.Stream, err)
	}
	s.mu.Lock()
	s.lag.AckFloor = int64(ci.AckFloor.Stream)
	s.lag.Last = int64(si.State.LastSeq)
	s.lag.Pending = int64(ci.NumPending) + int64(ci.NumAckPending)
	s.lag.Polled = time.Now()
	s.mu.Unlock()
	return ci, nil
}

// reack sends the recent acks again once the consumer answers after an
// outage: acks in transit when the server went away were lost with it, and
// the server would otherwise keep those messages pending until their ack
// wait passed and then deliver them again (to this source, which drops
// repeats of what it acked, or to the next run, which would redo them). An
// ack the server already applied is ignored by it.
func (s *Source) reack() {
	s.mu.Lock()
	replies := s.acked.replies()
	s.mu.Unlock()
	for _, r := range replies {
		if err := s.nc.Publish(r, ackBody); err != nil {
			return // lost again: the next recovery sends them again
		}
	}
	_ = s.nc.Flush()
}

// ackBody is JetStream's explicit ack.
var ackBody = []byte("+ACK")
