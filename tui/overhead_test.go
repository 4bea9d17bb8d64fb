//go:build runtime

// This file measures the monitor against the real actor runtime. It is
// behind a build tag so that ./tui builds and tests on its own while the
// runtime changes:
//
//	go test -tags runtime -run XXX -bench MonitorOverhead ./tui

package tui

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// BenchmarkMonitorOverhead runs the same forked flow of cheap services bare
// and with the monitor attached at its fastest refresh (100 ms: a
// snapshot, Update and View of the graph each tick). Compare the ns/op of
// the two (issue 4 asks for a difference under 5 %).
func BenchmarkMonitorOverhead(b *testing.B) {
	for _, monitored := range []bool{false, true} {
		name := "bare"
		if monitored {
			name = "monitored"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			d := pipeline(b, b.N, monitored)
			b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "ns/input")
		})
	}
}

// TestMonitorOverhead alternates bare and monitored runs of a million inputs
// and reports the median time per input of each (go test -tags runtime
// -run MonitorOverhead -v ./tui); alternating cancels most of the drift of
// a busy machine.
func TestMonitorOverhead(t *testing.T) {
	const inputs, rounds = 1_000_000, 5
	var bare, monitored []time.Duration
	for i := 0; i < rounds; i++ {
		for _, mon := range []bool{false, true} {
			d := pipeline(t, inputs, mon) / inputs
			if mon {
				monitored = append(monitored, d)
			} else {
				bare = append(bare, d)
			}
		}
	}
	slices.Sort(bare)
	slices.Sort(monitored)
	b, m := bare[rounds/2], monitored[rounds/2]
	t.Logf("median per input: bare %v, monitored %v: %+.1f%%", b, m, 100*(float64(m)/float64(b)-1))
}

// pipeline runs n inputs through a forked flow of cheap services, with or
// without the monitor polling it, and returns the time from the first
// Submit to the end of Drain.
func pipeline(tb testing.TB, n int, monitored bool) time.Duration {
	noop := func(context.Context, *flow.Context) error { return nil }
	f := flow.New(
		flow.Func("decode", noop),
		flow.Fork("kind", flow.Branches{
			"book":  flow.New(flow.Func("price-book", noop), flow.Func("tax-book", noop)),
			"music": flow.New(flow.Func("price-music", noop)),
		}),
		flow.Func("store", noop),
	).Named("bench")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt, err := actors.Start(ctx, f, actors.MaxInFlight(1024))
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make(chan int, 1)
	wg.Add(1)
	go func() { // the results, counted until Drain closes them
		defer wg.Done()
		n := 0
		for range rt.Results() {
			n++
		}
		got <- n
	}()
	stop := make(chan struct{})
	if monitored {
		wg.Add(1)
		go func() { // the monitor: what bubbletea would do each tick
			defer wg.Done()
			m := newModel(ctx, rt, MinRefresh, true)
			m = update(m, tea.WindowSizeMsg{Width: 200, Height: 60})
			t := time.NewTicker(MinRefresh)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					m = update(m, snapMsg{rt.Snapshot()})
					_ = m.View()
				}
			}
		}()
	}
	kinds := []string{"book", "music"}
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := rt.Submit(ctx, map[string]any{"kind": kinds[i%2], "n": i}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := rt.Drain(ctx); err != nil {
		tb.Fatal(err)
	}
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if got := <-got; got != n {
		tb.Fatalf("%d results for %d inputs", got, n)
	}
	return elapsed
}
