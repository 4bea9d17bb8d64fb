package bench

import (
	"sync"

	"github.com/serviceflow/serviceflow/flow"
)

// openForkBatched: the fork shape passing batches of size: the fork splits
// each batch by kind into one batch per branch, the join passes each on.
func openForkBatched(size int) Pipeline {
	p := &channels[[]*flow.Context]{
		in: make(chan []*flow.Context, chanBuffer), out: make(chan []*flow.Context, chanBuffer),
		make: func(i, n int) ([]*flow.Context, int) {
			b := make([]*flow.Context, min(size, n-i))
			for k := range b {
				b[k] = flow.NewContext(inputs[(i+k)&1])
			}
			return b, len(b)
		},
		size: func(b []*flow.Context) int { return len(b) },
	}
	pipe := func() chan []*flow.Context { return make(chan []*flow.Context, chanBuffer) }
	s1, a, b, a1, a2, b1, b2, joined := pipe(), pipe(), pipe(), pipe(), pipe(), pipe(), pipe(), pipe()
	spawn(&p.wg, p.in, s1, many)
	p.wg.Add(1)
	go func() { // the fork
		defer p.wg.Done()
		defer close(a)
		defer close(b)
		for batch := range s1 {
			var as, bs []*flow.Context
			for _, c := range batch {
				if k, _ := c.Get("kind"); k == "a" {
					as = append(as, c)
				} else {
					bs = append(bs, c)
				}
			}
			if len(as) > 0 {
				a <- as
			}
			if len(bs) > 0 {
				b <- bs
			}
		}
	}()
	spawn(&p.wg, a, a1, many)
	spawn(&p.wg, a1, a2, many)
	spawn(&p.wg, b, b1, many)
	spawn(&p.wg, b1, b2, many)
	var tails sync.WaitGroup
	for _, tail := range []chan []*flow.Context{a2, b2} {
		tails.Add(1)
		p.wg.Add(1)
		go func() { // the join: both branches send into joined
			defer p.wg.Done()
			defer tails.Done()
			for batch := range tail {
				joined <- batch
			}
		}()
	}
	p.wg.Add(1)
	go func() { defer p.wg.Done(); tails.Wait(); close(joined) }()
	spawn(&p.wg, joined, p.out, many)
	return p
}
