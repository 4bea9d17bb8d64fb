package bench

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// How cost grows: each scaling case varies one dimension of the linear
// five-stage pipeline, on the actors and on the channel reference built the
// same way. ScaleCases names them "DIMENSION/IMPL", DIMENSION one of
//
//	stagesN  a line of N trivial stages (5, 20, 50)
//	forkW    one stage, a fork on "kind" to W branches of two stages each,
//	         one stage after the join (2, 8, 32); inputs cycle over the kinds
//	keysK    the five stages on inputs of K keys (4, 32, 256)
//	cpuC     five stages, the third CPU-bound (about a microsecond of
//	         arithmetic per input) with Concurrency(C), C = 1..GOMAXPROCS
//
// and IMPL "channels" or "actors".
func ScaleCases(maxprocs int) []string {
	var dims []string
	for _, n := range []int{5, 20, 50} {
		dims = append(dims, "stages"+strconv.Itoa(n))
	}
	for _, w := range []int{2, 8, 32} {
		dims = append(dims, "fork"+strconv.Itoa(w))
	}
	for _, k := range []int{4, 32, 256} {
		dims = append(dims, "keys"+strconv.Itoa(k))
	}
	for c := 1; c <= max(maxprocs, 1); c++ {
		dims = append(dims, "cpu"+strconv.Itoa(c))
	}
	var out []string
	for _, d := range dims {
		out = append(out, d+"/channels", d+"/actors")
	}
	return out
}

// shape is a scaling case's pipeline.
type shape struct {
	stages int // stages in the line (without a fork)
	width  int // fork branches; 0 for a line
	keys   int // keys per input
	cpu    int // the concurrency of the CPU-bound third stage; 0 for none
}

// parseScale reads "DIMENSION/IMPL".
func parseScale(name string) (shape, string, bool) {
	dim, impl, ok := strings.Cut(name, "/")
	if !ok || impl != "channels" && impl != "actors" {
		return shape{}, "", false
	}
	s := shape{stages: 5, keys: 2}
	for _, p := range []struct {
		prefix string
		field  *int
	}{{"stages", &s.stages}, {"fork", &s.width}, {"keys", &s.keys}, {"cpu", &s.cpu}} {
		if rest, ok := strings.CutPrefix(dim, p.prefix); ok {
			n, err := strconv.Atoi(rest)
			if err != nil || n < 1 || n > 1000 {
				return shape{}, "", false
			}
			*p.field = n
			return s, impl, true
		}
	}
	return shape{}, "", false
}

// inputs are the shape's inputs, used in turn: v, the fork key, and filler
// keys up to keys.
func (s shape) inputs() []map[string]any {
	kinds := max(s.width, 1)
	out := make([]map[string]any, kinds)
	for i := range out {
		m := map[string]any{"v": 0, "kind": "b" + strconv.Itoa(i)}
		for k := len(m); k < s.keys; k++ {
			m[fmt.Sprintf("k%03d", k)] = k
		}
		out[i] = m
	}
	return out
}

// spin is the CPU-bound stage's work: about a microsecond of arithmetic.
func spin(_ context.Context, c *flow.Context) error {
	v, _ := c.Get("v")
	x := uint64(v.(int)) | 1
	for range 400 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	if x == 0 { // never: xorshift keeps a non-zero state; it keeps the loop
		c.Set("spin", x)
	}
	c.Set("v", v.(int)+1)
	return nil
}

// flow builds the shape on package flow.
func (s shape) flow() *flow.Flow {
	st := func(name string) flow.Service { return flow.Func(name, inc) }
	if s.width > 0 {
		branches := flow.Branches{}
		for i := range s.width {
			b := "b" + strconv.Itoa(i)
			branches[b] = flow.New(st(b+"-1"), st(b+"-2"))
		}
		return flow.New(st("first"), flow.Fork("kind", branches), st("last")).Named("bench-scale")
	}
	var steps []flow.Service
	for i := range s.stages {
		name := "s" + strconv.Itoa(i+1)
		if s.cpu > 0 && i == 2 {
			steps = append(steps, flow.Stage(flow.Func(name, spin), flow.Concurrency(s.cpu)))
			continue
		}
		steps = append(steps, st(name))
	}
	return flow.New(steps...).Named("bench-scale")
}

// openScale starts the named scaling case.
func openScale(ctx context.Context, name string) (Pipeline, error) {
	s, impl, ok := parseScale(name)
	if !ok {
		return nil, fmt.Errorf("bench: unknown case %q; known: %v and %v", name, Cases(), ScaleCases(2))
	}
	in := s.inputs()
	if impl == "actors" {
		rt, err := actors.Start(ctx, s.flow(), actors.MaxInFlight(chanBuffer*5))
		if err != nil {
			return nil, err
		}
		return &actorPipeline{rt: rt, ctx: ctx, in: in}, nil
	}
	p := &channels[*flow.Context]{
		in: make(chan *flow.Context, chanBuffer), out: make(chan *flow.Context, chanBuffer),
		make: func(i, _ int) (*flow.Context, int) { return flow.NewContext(in[i%len(in)]), 1 },
		size: func(*flow.Context) int { return 1 },
	}
	switch {
	case s.width > 0:
		forkN(p, s.width)
	case s.cpu > 0:
		mid, cpuOut := make(chan *flow.Context, chanBuffer), make(chan *flow.Context, chanBuffer)
		lineN(&p.wg, p.in, mid, 2, one)
		pool(&p.wg, mid, cpuOut, s.cpu, func(c *flow.Context) { _ = spin(context.Background(), c) })
		lineN(&p.wg, cpuOut, p.out, s.stages-3, one)
	default:
		lineN(&p.wg, p.in, p.out, s.stages, one)
	}
	return p, nil
}

// lineN runs n stages of work between in and out (n = 0 passes through).
func lineN[T any](wg *sync.WaitGroup, in chan T, out chan T, n int, work func(T)) {
	if n == 0 {
		spawn(wg, in, out, func(T) {})
		return
	}
	prev := in
	for range n - 1 {
		next := make(chan T, chanBuffer)
		spawn(wg, prev, next, work)
		prev = next
	}
	spawn(wg, prev, out, work)
}

// pool runs work on n goroutines reading in and writing out, which it
// closes when all are done.
func pool[T any](wg *sync.WaitGroup, in <-chan T, out chan<- T, n int, work func(T)) {
	var done sync.WaitGroup
	for range n {
		done.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer done.Done()
			for x := range in {
				work(x)
				out <- x
			}
		}()
	}
	wg.Add(1)
	go func() { defer wg.Done(); done.Wait(); close(out) }()
}

// forkN: stage → fork on kind → W branches of two stages → joined → stage.
// The branches send into one joined channel, closed once all are done.
func forkN(p *channels[*flow.Context], w int) {
	pipe := func() chan *flow.Context { return make(chan *flow.Context, chanBuffer) }
	first, joined := pipe(), pipe()
	spawn(&p.wg, p.in, first, one)
	heads := map[any]chan *flow.Context{}
	var tails sync.WaitGroup
	for i := range w {
		head, mid := pipe(), pipe()
		heads["b"+strconv.Itoa(i)] = head
		spawn(&p.wg, head, mid, one)
		tails.Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer tails.Done()
			for c := range mid {
				one(c)
				joined <- c
			}
		}()
	}
	p.wg.Add(1)
	go func() { // the fork
		defer p.wg.Done()
		defer func() {
			for _, h := range heads {
				close(h)
			}
		}()
		for c := range first {
			k, _ := c.Get("kind")
			heads[k] <- c
		}
	}()
	p.wg.Add(1)
	go func() { defer p.wg.Done(); tails.Wait(); close(joined) }()
	spawn(&p.wg, joined, p.out, one)
}
