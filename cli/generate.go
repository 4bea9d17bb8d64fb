package cli

import (
	"github.com/serviceflow/serviceflow/backoff"

	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// demoKinds are the kinds of order the generator makes; "gift" has no
// branch in the demo flow, so it takes the default.
var demoKinds = [...]string{"book", "book", "digital", "digital", "grocery", "gift"}

// demoOrder returns the n-th order of the demo's stream (n from 1). It is a
// pure function of n: the same stream every run. About one order in 40 is
// invalid (no quantity, or a negative price) and gets Stopped.
func demoOrder(n int) map[string]any {
	r := rand.New(rand.NewPCG(uint64(n), 0x5eed))
	qty := 1 + r.IntN(5)
	price := float64(100+r.IntN(9900)) / 100
	switch r.IntN(40) {
	case 0:
		qty = 0
	case 1:
		price = -price
	}
	return map[string]any{
		"id":       fmt.Sprintf("ord-%06d", n),
		"kind":     demoKinds[r.IntN(len(demoKinds))],
		"qty":      qty,
		"price":    price,
		"customer": fmt.Sprintf("c-%03d", r.IntN(500)),
	}
}

// pacer is a token bucket: Wait lets rate calls through per second on
// average, in bursts of at most burst. A zero rate means no limit.
type pacer struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time

	now   func() time.Time                                 // the clock; tests replace it
	sleep func(ctx context.Context, d time.Duration) error // likewise
}

func newPacer(rate float64) *pacer {
	return &pacer{rate: rate, burst: max(1, rate/20), tokens: 1, last: time.Now(), now: time.Now, sleep: backoff.Sleep}
}

// Wait takes one token, sleeping until there is one or ctx is done.
func (p *pacer) Wait(ctx context.Context) error {
	if p.rate <= 0 {
		return ctx.Err()
	}
	for {
		now := p.now()
		p.tokens = min(p.burst, p.tokens+now.Sub(p.last).Seconds()*p.rate)
		p.last = now
		if p.tokens >= 1 {
			p.tokens--
			return nil
		}
		// Sleep at least a millisecond: timers are no finer, and the
		// tokens that accrue meanwhile are kept for the next calls.
		wait := max(time.Millisecond, time.Duration((1-p.tokens)/p.rate*float64(time.Second)))
		if err := p.sleep(ctx, wait); err != nil {
			return err
		}
	}
}
