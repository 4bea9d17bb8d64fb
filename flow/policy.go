package flow

import (
	"github.com/serviceflow/serviceflow/backoff"
)

// Policy says what a flow does with an input whose service asks for a retry
// (Retry, or a call past its Timeout) or fails fatally (Fatal, or a panic).
// Run and package actors apply the same policy. The zero value is valid: 3
// attempts in all and at most 3 redeliveries, each backoff exponential from
// 10 ms, doubling, capped at 1 s, ±20% jitter.
type Policy struct {
	// MaxAttempts bounds the attempts of one input, the first included: 0
	// means the default, 3. Each new attempt starts from the input's
	// original values, after Backoff (or the delay the Retry error asks for).
	MaxAttempts int
	Backoff     backoff.Exponential
	// MaxRedeliveries bounds the redeliveries of one input after Fatal: the
	// service is restarted after every such failure and the input
	// redelivered to it; then it is Failed. 0 means the default, 3; negative
	// means none (the input fails on its first Fatal error, and the service
	// is still restarted for the next input).
	MaxRedeliveries int
	// RestartBackoff is Run's delay before each restart for one input. (The
	// actor runtime's restarts back off as its supervisor says.)
	RestartBackoff backoff.Exponential
}

const defaultRedeliveries = 3

// redeliveries is MaxRedeliveries with its default applied.
func (p Policy) redeliveries() int {
	switch {
	case p.MaxRedeliveries == 0:
		return defaultRedeliveries
	case p.MaxRedeliveries < 0:
		return 0
	}
	return p.MaxRedeliveries
}
