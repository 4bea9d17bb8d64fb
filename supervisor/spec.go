package supervisor

import (
	"time"

	"github.com/serviceflow/serviceflow/backoff"
)

// Defaults that Spec.WithDefaults fills in for zero fields.
const (
	// DefaultMaxRestarts is the restart budget per window: generous enough
	// for a flaky dependency, small enough that a crash loop escalates
	// within seconds.
	DefaultMaxRestarts = 20
	// DefaultWithin is the length of the sliding restart window.
	DefaultWithin = 10 * time.Second
)

// Spec configures a Supervisor. The zero Spec is valid: every zero field
// takes its default (see WithDefaults).
type Spec struct {
	// Strategy chooses which children restart; the zero value is OneForOne.
	Strategy Strategy

	// MaxRestarts and Within are the restart intensity: at most MaxRestarts
	// restarts within any window of length Within; one more escalates.
	// MaxRestarts 0 means DefaultMaxRestarts (20); a negative MaxRestarts
	// allows no restart at all, so the first failure escalates. Within ≤ 0
	// means DefaultWithin (10s).
	MaxRestarts int
	Within      time.Duration

	// Backoff is the wait before each restart. A child's n-th restart since
	// it last recovered (Supervisor.Recovered, or a window with no restart)
	// waits Backoff.Delay(n), so a crash loop slows down exponentially while
	// a service that fails now and then is restarted promptly. Zero fields
	// mean 10ms initial, doubling, capped at 1s, with 20% jitter; a negative
	// Jitter means none.
	//
	// The wait is also capped at Within/(2·MaxRestarts) (250ms with the
	// defaults), so the backoff cannot keep a crash loop under the restart
	// intensity: a child that fails again as soon as it restarts spends its
	// budget within half a window of backoff plus the time its failures
	// take, and escalates. See Supervisor.Start for why escalation then goes
	// on up the tree within one more half window per level.
	Backoff backoff.Exponential
}

// WithDefaults returns s with every zero field replaced by its default:
// OneForOne, DefaultMaxRestarts (20) restarts within DefaultWithin (10s),
// a backoff from backoff.DefaultInitial (10ms) doubling up to
// backoff.DefaultMax (1s) with backoff.DefaultJitter (20%). Negative
// MaxRestarts and Backoff.Jitter are kept: they mean "none".
func (s Spec) WithDefaults() Spec {
	if s.MaxRestarts == 0 {
		s.MaxRestarts = DefaultMaxRestarts
	}
	if s.Within <= 0 {
		s.Within = DefaultWithin
	}
	if s.Backoff.Initial <= 0 {
		s.Backoff.Initial = backoff.DefaultInitial
	}
	if s.Backoff.Max <= 0 {
		s.Backoff.Max = backoff.DefaultMax
	}
	if s.Backoff.Multiplier < 1 {
		s.Backoff.Multiplier = backoff.DefaultMultiplier
	}
	if s.Backoff.Jitter == 0 {
		s.Backoff.Jitter = backoff.DefaultJitter
	}
	return s
}

// restartDelay is the wait before a child's n-th restart since it recovered:
// Backoff.Delay(n), capped at Within/(2·MaxRestarts) so that MaxRestarts
// restarts of a crash loop fit in half a window (see Backoff).
func (s Spec) restartDelay(n int) time.Duration {
	d := s.Backoff.Delay(n)
	if s.MaxRestarts > 0 {
		d = min(d, s.Within/time.Duration(2*s.MaxRestarts))
	}
	return d
}
