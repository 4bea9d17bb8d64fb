package tui_test

import (
	"context"
	"os"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/tui"
)

// still is a Source that always shows the same picture.
type still struct{ snap snapshot.Snapshot }

func (s still) Snapshot() snapshot.Snapshot                  { return s.snap }
func (still) Pause(context.Context) error                    { return nil }
func (still) Resume(context.Context) error                   { return nil }
func (still) Replay(context.Context, ...uint64) (int, error) { return 0, nil }
func (still) Drain(context.Context) error                    { return nil }

// Without a terminal, Run writes logfmt: a progress line every few seconds,
// a line per lifecycle event, and a summary when ctx is done.
func ExampleRun_plain() {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	src := still{snapshot.Snapshot{
		Flow: "demo", State: snapshot.Degraded, Started: start, Taken: start.Add(90 * time.Second),
		MaxInFlight: 64, InRate: 120, OutRate: 118,
		Totals: snapshot.Totals{Admitted: 10812, InFlight: 3, Done: 10790, Stopped: 12, Failed: 7, Restarts: 1},
		Events: []snapshot.Event{{Time: start.Add(80 * time.Second), Kind: snapshot.EventRestart,
			Stage: "validate", Message: "restarted after fatal: db closed (1/10 in 5s)"}},
	}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // show one refresh, then the summary

	_ = tui.Run(ctx, src, tui.Options{Mode: tui.Plain, Out: os.Stdout})
	// Output:
	// time=2026-01-02T03:05:25Z event=restart stage=validate msg="restarted after fatal: db closed (1/10 in 5s)"
	// flow=demo state=DEGRADED uptime=1m30s in/s=120.0 out/s=118.0 inflight=3/64 done=10790 stopped=12 failed=7 restarts=1
	// msg=summary flow=demo state=DEGRADED uptime=1m30s in/s=120.0 out/s=118.0 inflight=3/64 done=10790 stopped=12 failed=7 restarts=1 admitted=10812 retried=0 dead_letters=0
}
