package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

// Latency is the distribution of one case's per-input latency, from the
// source handing an input over to its output coming out, under a paced
// source.
type Latency struct {
	Name                string
	Rate                float64 // inputs per second offered
	Achieved            float64 // inputs per second the source managed to hand over
	Inputs              int
	P50, P90, P99, P999 time.Duration
	Max                 time.Duration
}

// LatencyCases are the cases MeasureLatency knows: the linear pipeline on
// the channel reference and on the actors (the batched reference is left
// out: its batches of 64 wait to fill, which is not latency anyone wants).
func LatencyCases() []string { return []string{"linear/channels", "linear/actors"} }

// stream is a pipeline fed and drained one input at a time.
type stream interface {
	send(ctx context.Context, c *flow.Context) error
	recv(ctx context.Context) (*flow.Context, error)
	Close() error
}

func openStream(ctx context.Context, name string) (stream, error) {
	switch name {
	case "linear/channels":
		return openChannels().(*channels[*flow.Context]), nil
	case "linear/actors":
		p, err := openActors(ctx, false)
		if err != nil {
			return nil, err
		}
		return p.(*actorPipeline), nil
	}
	return nil, fmt.Errorf("bench: no latency measurement for %q; known: %v", name, LatencyCases())
}

func (p *channels[T]) send(ctx context.Context, c T) error {
	select {
	case p.in <- c:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *channels[T]) recv(ctx context.Context) (T, error) {
	select {
	case c := <-p.out:
		return c, nil
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

func (p *actorPipeline) send(ctx context.Context, c *flow.Context) error {
	return p.rt.SubmitContext(ctx, c)
}

func (p *actorPipeline) recv(ctx context.Context) (*flow.Context, error) {
	select {
	case r := <-p.rt.Results():
		if r.Status != flow.Done {
			return nil, fmt.Errorf("bench: input failed: %v", r.Err)
		}
		return r.Context, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// slack is how far ahead of its schedule the paced source may get before it
// sleeps: it sends in small bursts, as a real source does, and the same
// bursts to every case.
const slack = 50 * time.Microsecond

// MeasureLatency pushes n inputs through the named case (see LatencyCases)
// at rate inputs per second and measures each one's latency: from the
// moment the source hands it over (Submit, or the send on the first
// channel) to the moment its output is received. Both linear pipelines keep
// input order, so the k-th output is the k-th input (checked by ID).
func MeasureLatency(ctx context.Context, name string, rate float64, n int) (Latency, error) {
	if rate <= 0 || n < 1 {
		return Latency{}, fmt.Errorf("bench: latency needs a positive rate and inputs, got %v and %d", rate, n)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := openStream(ctx, name)
	if err != nil {
		return Latency{}, err
	}
	defer s.Close()
	// Warm up, unpaced.
	for i := range min(n, 2000) {
		if err := s.send(ctx, flow.NewContext(inputs[i&1])); err != nil {
			return Latency{}, err
		}
		if _, err := s.recv(ctx); err != nil {
			return Latency{}, err
		}
	}

	sent := make([]time.Time, n)
	ids := make([]uint64, n)
	errc := make(chan error, 1)
	var end time.Time
	go func() {
		start := time.Now()
		for i := range n {
			due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
			if d := time.Until(due); d > slack {
				if err := sleep(ctx, d); err != nil {
					errc <- err
					return
				}
			}
			c := flow.NewContext(inputs[i&1])
			ids[i] = c.ID()
			sent[i] = time.Now()
			if err := s.send(ctx, c); err != nil {
				errc <- err
				return
			}
		}
		end = time.Now()
		errc <- nil
	}()
	// stop ends the source before the stream closes (a send on a closed
	// channel would panic).
	stop := func(err error) (Latency, error) {
		cancel()
		<-errc
		return Latency{}, err
	}
	lat := make([]time.Duration, n)
	for k := range n {
		c, err := s.recv(ctx)
		if err != nil {
			return stop(err)
		}
		now := time.Now()
		if c.ID() != ids[k] {
			return stop(fmt.Errorf("bench: %s: output %d is input ID %d, want %d: order not kept", name, k, c.ID(), ids[k]))
		}
		lat[k] = now.Sub(sent[k])
	}
	if err := <-errc; err != nil {
		return Latency{}, err
	}
	l := Latency{Name: name, Rate: rate, Inputs: n, Achieved: float64(n) / end.Sub(sent[0]).Seconds()}
	slices.Sort(lat)
	at := func(q float64) time.Duration { return lat[min(int(q*float64(n)), n-1)] }
	l.P50, l.P90, l.P99, l.P999, l.Max = at(0.50), at(0.90), at(0.99), at(0.999), lat[n-1]
	return l, nil
}

// CompareLatency measures the linear pipeline's maximum rate on the actors
// (the median of rounds runs of inputs), then every latency case at half
// that rate, the cases alternating, rounds times, and returns per case the
// round with the median p99.
func CompareLatency(ctx context.Context, inputs, rounds int) ([]Latency, error) {
	top, err := Median(ctx, "linear/actors", inputs, rounds)
	if err != nil {
		return nil, err
	}
	rate := top.InputsPerSec / 2
	runs := map[string][]Latency{}
	for range max(rounds, 1) {
		for _, name := range LatencyCases() {
			l, err := MeasureLatency(ctx, name, rate, inputs)
			if err != nil {
				return nil, err
			}
			runs[name] = append(runs[name], l)
		}
	}
	var out []Latency
	for _, name := range LatencyCases() {
		rs := runs[name]
		slices.SortFunc(rs, func(a, b Latency) int { return int(a.P99 - b.P99) })
		out = append(out, rs[len(rs)/2])
	}
	return out, nil
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
