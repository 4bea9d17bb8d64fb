package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/tui"
)

// demoDefaultCount is the demo's stream length when it does not run in the
// terminal UI (where it is endless until the user quits).
const demoDefaultCount = 2000

func (e *env) demoCmd() *cobra.Command {
	var (
		count   int
		rate    float64
		ui      string
		refresh time.Duration
		metrics string
		monitor string
		token   string
		exit    bool
		record  string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the built-in order pipeline over a generated stream, live",
		Long: `demo runs a built-in order pipeline over a generated stream of orders and
shows it live: in the terminal UI on a terminal (endless; q quits), as plain
progress lines otherwise (2000 orders). It needs no files, servers or flags.

The pipeline shows every feature moving: a timer decorator around the flow,
a filter that Stops invalid orders, a pool of pricers, a fork by kind (book,
digital, grocery; anything else takes the default branch to manual review),
a payment gateway that asks for Retries, and a warehouse that goes Fatal and
panics now and then, so its supervisor restarts it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mode, err := uiMode(ui, e.stdout)
			if err != nil {
				return err
			}
			if err := checkRefresh(refresh); err != nil {
				return err
			}
			if count < 0 || rate < 0 {
				return usageError("demo: --count and --rate must not be negative")
			}
			if !cmd.Flags().Changed("count") && mode != tui.TUI {
				count = demoDefaultCount
			}
			rec, closeRec, err := createRecord(record)
			if err != nil {
				return err
			}
			defer closeRec()
			return e.demo(cmd.Context(), count, rate, tui.Options{Mode: mode, Refresh: refresh, ExitOnDone: exit, Record: rec}, serve{metrics: metrics, monitor: monitor, token: monitorToken(token)})
		},
	}
	cmd.Flags().IntVar(&count, "count", 0, "orders to generate; 0 means endless (default: endless in the terminal UI, 2000 otherwise)")
	cmd.Flags().Float64Var(&rate, "rate", 2000, "orders per second; 0 means as fast as the flow takes them")
	cmd.Flags().StringVar(&ui, "ui", "auto", "monitor: auto, tui, plain, json or off")
	addRefresh(cmd.Flags(), &refresh)
	addMetrics(cmd.Flags(), &metrics)
	addMonitor(cmd.Flags(), &monitor, &token)
	addExitOnDone(cmd.Flags(), &exit)
	addRecord(cmd.Flags(), &record)
	return cmd
}

// serve is where a job serves itself to others: Prometheus metrics, attach.
type serve struct{ metrics, monitor, token string }

func (e *env) demo(ctx context.Context, count int, rate float64, ui tui.Options, srv serve) error {
	mode := ui.Mode
	f, err := demoFlow(e.reg)
	if err != nil {
		return withCode(ExitFlowFailed, err)
	}
	s := &sink{}
	j := &job{
		flow: f,
		options: []actors.Option{
			actors.MaxInFlight(256),
			actors.Supervision(demoSupervision),
			actors.Logger(runtimeLogger(mode, e.stderr)),
		},
		feed:         func(ctx context.Context, emit func(input) bool) error { return generate(ctx, count, rate, emit) },
		sink:         s,
		ui:           tui.Options{Mode: mode, Refresh: ui.Refresh, Out: e.stdout, In: e.stdin, NoSummary: true, ExitOnDone: ui.ExitOnDone, Record: ui.Record},
		metricsAddr:  srv.metrics,
		monitorAddr:  srv.monitor,
		monitorToken: srv.token,
		hurry:        e.hurry,
	}
	out, err := j.run(ctx)
	if err != nil {
		return orCode(ExitFlowFailed, fmt.Errorf("demo: %w", err))
	}
	printSummary(e.stdout, s.snapshot(), out, "order")
	if out.flowErr != nil {
		return withCode(ExitFlowFailed, nil)
	}
	return nil // the demo ends well however it is stopped
}

// generate emits count demo orders (endless when count is 0) at rate per
// second, until emit returns false or ctx (intake) is done.
func generate(ctx context.Context, count int, rate float64, emit func(input) bool) error {
	p := newPacer(rate)
	for n := 1; count == 0 || n <= count; n++ {
		if p.Wait(ctx) != nil {
			return nil
		}
		if !emit(input{line: n, values: demoOrder(n)}) {
			return nil
		}
	}
	return nil
}
