package flow

import "github.com/serviceflow/serviceflow/backoff"

// RetryPolicy says how often and how soon an input whose service returned
// Retry is processed again. The zero value is valid: 3 attempts in all, with
// an exponential backoff from 10 ms, doubling, capped at 1 s, ±20% jitter.
type RetryPolicy struct {
	MaxAttempts int                 // attempts in all, the first included; default 3
	Backoff     backoff.Exponential // delay before each new attempt
}

// Attempts is MaxAttempts with its default applied.
func (p RetryPolicy) Attempts() int {
	if p.MaxAttempts <= 0 {
		return 3
	}
	return p.MaxAttempts
}

// RestartPolicy says what happens to an input whose service failed with
// Fatal or a panic. The service is restarted after every such failure, and
// the input redelivered to it at most MaxRedeliveries times; then it is
// Failed. Run and package actors apply the same policy. The zero value is
// valid: at most 3 redeliveries, with an exponential backoff from 10 ms
// between Run's restarts.
type RestartPolicy struct {
	// MaxRedeliveries bounds the redeliveries of one input: 0 means the
	// default, 3; negative means none (the input fails on its first Fatal
	// error, and the service is still restarted for the next input).
	MaxRedeliveries int
	// Backoff is Run's delay before each restart for one input. (The actor
	// runtime's restarts back off as its supervisor says.)
	Backoff backoff.Exponential
}

const defaultRedeliveries = 3

// redeliveries is MaxRedeliveries with its default applied.
func (p RestartPolicy) redeliveries() int {
	switch {
	case p.MaxRedeliveries == 0:
		return defaultRedeliveries
	case p.MaxRedeliveries < 0:
		return 0
	}
	return p.MaxRedeliveries
}
