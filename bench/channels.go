package bench

import (
	"context"
	"sync"

	"github.com/serviceflow/serviceflow/flow"
)

// inc is the work of every stage: read v, write v+1.
func inc(_ context.Context, c *flow.Context) error {
	v, _ := c.Get("v")
	c.Set("v", v.(int)+1)
	return nil
}

// inputs alternate between the two fork branches. NewContext copies its
// input, so both kinds of pipeline share these maps and allocate alike.
var inputs = [2]map[string]any{{"v": 0, "kind": "a"}, {"v": 0, "kind": "b"}}

const chanBuffer = 1024

// channels is the reference: a goroutine per stage, buffered channels.
type channels[T any] struct {
	in   chan T
	out  chan T
	wg   sync.WaitGroup
	make func(i, n int) (T, int) // builds the next element from input i: it and how many inputs it holds
	size func(T) int
}

// spawn runs work on every element from in and sends it to out.
func spawn[T any](wg *sync.WaitGroup, in <-chan T, out chan<- T, work func(T)) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(out)
		for x := range in {
			work(x)
			out <- x
		}
	}()
}

func one(c *flow.Context) { _ = inc(context.Background(), c) }

func many(b []*flow.Context) {
	for _, c := range b {
		one(c)
	}
}

// openChannels: five stages in a line, one context per send.
func openChannels() Pipeline {
	p := &channels[*flow.Context]{
		in: make(chan *flow.Context, chanBuffer), out: make(chan *flow.Context, chanBuffer),
		make: func(i, _ int) (*flow.Context, int) { return flow.NewContext(inputs[i&1]), 1 },
		size: func(*flow.Context) int { return 1 },
	}
	line(&p.wg, p.in, p.out, one)
	return p
}

// openBatched: five stages in a line, batches of size per send.
func openBatched(size int) Pipeline {
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
	line(&p.wg, p.in, p.out, many)
	return p
}

func line[T any](wg *sync.WaitGroup, in chan T, out chan T, work func(T)) {
	prev := in
	for range 4 {
		next := make(chan T, chanBuffer)
		spawn(wg, prev, next, work)
		prev = next
	}
	spawn(wg, prev, out, work)
}

// openForkChannels: stage → fork on kind → {a1 → a2 | b1 → b2} → join → stage.
func openForkChannels() Pipeline {
	p := &channels[*flow.Context]{
		in: make(chan *flow.Context, chanBuffer), out: make(chan *flow.Context, chanBuffer),
		make: func(i, _ int) (*flow.Context, int) { return flow.NewContext(inputs[i&1]), 1 },
		size: func(*flow.Context) int { return 1 },
	}
	pipe := func() chan *flow.Context { return make(chan *flow.Context, chanBuffer) }
	s1, a, b, a1, a2, b1, b2, joined := pipe(), pipe(), pipe(), pipe(), pipe(), pipe(), pipe(), pipe()
	spawn(&p.wg, p.in, s1, one)
	p.wg.Add(1)
	go func() { // the fork
		defer p.wg.Done()
		defer close(a)
		defer close(b)
		for c := range s1 {
			if k, _ := c.Get("kind"); k == "a" {
				a <- c
			} else {
				b <- c
			}
		}
	}()
	spawn(&p.wg, a, a1, one)
	spawn(&p.wg, a1, a2, one)
	spawn(&p.wg, b, b1, one)
	spawn(&p.wg, b1, b2, one)
	p.wg.Add(1)
	go func() { // the join
		defer p.wg.Done()
		defer close(joined)
		for a2 != nil || b2 != nil {
			select {
			case c, ok := <-a2:
				if !ok {
					a2 = nil
					continue
				}
				joined <- c
			case c, ok := <-b2:
				if !ok {
					b2 = nil
					continue
				}
				joined <- c
			}
		}
	}()
	spawn(&p.wg, joined, p.out, one)
	return p
}

func (p *channels[T]) Run(n int) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < n; {
			x, k := p.make(i, n)
			p.in <- x
			i += k
		}
	}()
	for got := 0; got < n; {
		got += p.size(<-p.out)
	}
	<-done
	return nil
}

func (p *channels[T]) Close() error {
	close(p.in)
	for range p.out {
	}
	p.wg.Wait()
	return nil
}
