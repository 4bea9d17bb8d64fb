// Package backoff computes truly exponential delays with jitter and a cap,
// and sleeps for them in a way that stops when a context is cancelled.
//
// Both the retry policy of package flow and the restart policy of package
// supervisor use it, so "exponential" means the same thing everywhere:
// attempt n waits about Initial·Multiplierⁿ⁻¹, capped at Max, with a random
// spread of ±Jitter around that value.
package backoff

import (
	"context"
	"math"
	"math/rand/v2"
	"time"
)

// Exponential describes an exponential backoff. The zero value is valid and
// means the defaults: 10 ms initial delay, doubling, a 1 s cap and 20% jitter.
type Exponential struct {
	Initial    time.Duration // delay before the first retry; default 10ms
	Max        time.Duration // cap on any delay; default 1s
	Multiplier float64       // growth per attempt; default 2
	Jitter     float64       // relative spread in [0, 1]; default 0.2; negative means none
}

// Defaults for a zero Exponential.
const (
	DefaultInitial    = 10 * time.Millisecond
	DefaultMax        = time.Second
	DefaultMultiplier = 2.0
	DefaultJitter     = 0.2
)

func (e Exponential) withDefaults() Exponential {
	if e.Initial <= 0 {
		e.Initial = DefaultInitial
	}
	if e.Max <= 0 {
		e.Max = DefaultMax
	}
	if e.Max < e.Initial {
		e.Max = e.Initial
	}
	if e.Multiplier < 1 {
		e.Multiplier = DefaultMultiplier
	}
	switch {
	case e.Jitter == 0:
		e.Jitter = DefaultJitter
	case e.Jitter < 0:
		e.Jitter = 0
	case e.Jitter > 1:
		e.Jitter = 1
	}
	return e
}

// Base is the delay before retry n (n ≥ 1) without jitter:
// min(Initial·Multiplierⁿ⁻¹, Max). n < 1 is treated as 1.
func (e Exponential) Base(n int) time.Duration {
	e = e.withDefaults()
	if n < 1 {
		n = 1
	}
	d := float64(e.Initial) * math.Pow(e.Multiplier, float64(n-1))
	if d >= float64(e.Max) || math.IsInf(d, 0) || math.IsNaN(d) {
		return e.Max
	}
	return time.Duration(d)
}

// Delay is the delay before retry n (n ≥ 1): Base(n) spread uniformly by
// ±Jitter, never above Max and never negative. It is safe for concurrent use.
func (e Exponential) Delay(n int) time.Duration {
	e = e.withDefaults()
	base := float64(e.Base(n))
	if e.Jitter > 0 {
		base *= 1 + e.Jitter*(2*rand.Float64()-1)
	}
	if base > float64(e.Max) {
		base = float64(e.Max)
	}
	if base < 0 {
		base = 0
	}
	return time.Duration(base)
}

// Sleep waits for d or until ctx is done, whichever comes first. It returns
// ctx.Err() when the context ended the wait and nil otherwise. A d ≤ 0 returns
// at once (still reporting an already-cancelled context).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
