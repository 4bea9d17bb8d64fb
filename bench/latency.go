package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// Latency is the end-to-end latency distribution of inputs submitted at a
// steady rate.
type Latency struct {
	Rate     float64 // inputs per second offered
	Inputs   int
	P50, P99 time.Duration
	Max      time.Duration
}

// MeasureLatency pushes n inputs through the linear flow on the actor
// runtime at rate inputs per second and measures each one's time from Submit
// to its result. The source sleeps whenever it is more than 50µs ahead of
// its schedule, so it sends in small bursts, as a real source would.
func MeasureLatency(ctx context.Context, rate float64, n int) (Latency, error) {
	rt, err := actors.Start(ctx, Flow(false), actors.MaxInFlight(chanBuffer*5))
	if err != nil {
		return Latency{}, err
	}
	errc := make(chan error, 1)
	go func() {
		start := time.Now()
		for i := range n {
			// Pace: input i is due at start + i/rate.
			if d := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); d > 50*time.Microsecond {
				time.Sleep(d)
			}
			in := map[string]any{"v": 0, "t0": time.Now().UnixNano()}
			if err := rt.Submit(ctx, in); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	lat := make([]time.Duration, 0, n)
	for range n {
		r := <-rt.Results()
		if r.Status != flow.Done {
			return Latency{}, fmt.Errorf("bench: input failed: %v", r.Err)
		}
		t0, _ := flow.Value[int64](r.Context, "t0")
		lat = append(lat, time.Duration(time.Now().UnixNano()-t0))
	}
	if err := <-errc; err != nil {
		return Latency{}, err
	}
	if err := rt.Drain(ctx); err != nil {
		return Latency{}, err
	}
	slices.Sort(lat)
	return Latency{
		Rate: rate, Inputs: n,
		P50: lat[len(lat)/2], P99: lat[len(lat)*99/100], Max: lat[len(lat)-1],
	}, nil
}
