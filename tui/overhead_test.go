//go:build runtime

// This file measures the monitor against the real actor runtime. It is
// behind a build tag so that ./tui builds and tests on its own while the
// runtime changes:
//
//	go test -tags runtime -run XXX -bench MonitorOverhead ./tui

package tui

import (
	"context"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// *actors.Runtime is what the monitor watches in process.
var _ Source = (*actors.Runtime)(nil)

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
		b.Run(name, func(b *testing.B) { benchPipeline(b, monitored) })
	}
}

func benchPipeline(b *testing.B, monitored bool) {
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
		b.Fatal(err)
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
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := rt.Submit(ctx, map[string]any{"kind": kinds[i%2], "n": i}); err != nil {
			b.Fatal(err)
		}
	}
	if err := rt.Drain(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	if n := <-got; n != b.N {
		b.Fatalf("%d results for %d inputs", n, b.N)
	}
}
