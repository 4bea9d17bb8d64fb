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

// RestartPolicy says how Run restarts a service after Fatal or a panic. The
// zero value is valid: an input is redelivered at most 3 times, with an
// exponential backoff from 10 ms between restarts. (Package actors applies
// its supervisor's policy instead.)
type RestartPolicy struct {
	MaxRedeliveries int                 // per input; default 3
	Backoff         backoff.Exponential // delay before each restart
}

// Redeliveries is MaxRedeliveries with its default applied.
func (p RestartPolicy) Redeliveries() int {
	if p.MaxRedeliveries <= 0 {
		return 3
	}
	return p.MaxRedeliveries
}
