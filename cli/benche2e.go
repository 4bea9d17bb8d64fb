package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/bench"
)

// e2eFlags are bench's end-to-end options (issue 11 §5).
type e2eFlags struct {
	on      bool
	lines   int
	benthos string
	dir     string
	loop    string // hidden: run the hand-written loop over this workload directory
}

// e2eHelp is appended to bench's long help.
const e2eHelp = `

With --e2e, bench measures the path users run instead: it writes --lines
JSON lines {"v":i} and a flow file of five expr steps (v = v + 1 and
sN = v + 1) to a temporary directory, and runs "flowrun run" on them (file
in, file out) and a hand-written single-goroutine loop doing the same work
with encoding/json (decode, five increments, encode; buffered in and out),
each as a process of this binary, alternately, --rounds times. It checks
both outputs (every input's values, exactly once) each round, and prints
lines/s and CPU per line of each (medians), the median of the rounds'
ratios, and each one's peak RSS (the largest over the rounds; on Linux its
own VmHWM, read while it runs, since rusage counts the parent's memory too).

--benthos BINARY adds Benthos v4 (or Redpanda Connect) to the same run: the
same files through five bloblang mapping processors. --e2e-dir DIR writes
the workload (and the Benthos config) to DIR and keeps it.`

func (fl *e2eFlags) add(cmd *cobra.Command) {
	cmd.Long += e2eHelp
	f := cmd.Flags()
	f.BoolVar(&fl.on, "e2e", false, "measure flowrun run end to end against a hand-written encoding/json loop")
	f.IntVar(&fl.lines, "lines", 300_000, "with --e2e: input lines")
	f.StringVar(&fl.benthos, "benthos", "", "with --e2e: also measure this Benthos v4 `BINARY` on the same workload")
	f.StringVar(&fl.dir, "e2e-dir", "", "with --e2e: write the workload to `DIR` and keep it")
	f.StringVar(&fl.loop, "e2e-loop", "", "run the hand-written loop over the workload in `DIR` (what --e2e runs)")
	f.MarkHidden("e2e-loop")
}

// run runs the end-to-end bench, or the loop, if asked: ok is false when
// neither was.
func (fl *e2eFlags) run(ctx context.Context, w io.Writer, rounds int) (ok bool, err error) {
	switch {
	case fl.loop != "":
		if err := bench.RunLoop(fl.loop); err != nil {
			return true, withCode(ExitFlowFailed, err)
		}
		return true, nil
	case !fl.on:
		return false, nil
	case fl.lines < 1:
		return true, usageError("bench: --lines must be at least 1")
	}
	exe, err := os.Executable()
	if err != nil {
		return true, withCode(ExitFlowFailed, fmt.Errorf("bench: the flowrun binary: %w", err))
	}
	res, err := bench.MeasureE2E(ctx, bench.E2E{Exe: exe, Benthos: fl.benthos, Dir: fl.dir, Lines: fl.lines, Rounds: rounds})
	if err != nil {
		if ctx.Err() != nil {
			return true, withCode(ExitInterrupted, fmt.Errorf("bench: %w", ctx.Err()))
		}
		return true, withCode(ExitFlowFailed, err)
	}
	return true, printE2E(w, res, rounds)
}

func printE2E(w io.Writer, res bench.E2EResult, rounds int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "program\tlines/s\tCPU µs/line\tpeak RSS\tflowrun run ÷ it\n")
	for i, p := range res.Programs {
		r := bench.MedianRun(p.Runs)
		ratio := "1.00× (itself)"
		if i > 0 {
			ratio = fmt.Sprintf("%.2f×", bench.MedianOf(p.Ratios))
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.1f MiB\t%s\n", p.Name, r.LinesPerSec,
			float64(r.CPU.Nanoseconds())/1e3/float64(res.Lines), float64(bench.PeakRSS(p.Runs))/(1<<20), ratio)
	}
	if err := tw.Flush(); err != nil {
		return withCode(ExitFlowFailed, fmt.Errorf("bench: %w", err))
	}
	printLoad(w)
	_, err := fmt.Fprintf(w, "%d lines {\"v\":i} through %d expr steps, file in, file out; median of %d rounds, each running every program in turn; every output checked every round; ratio = median of the rounds' ratios (higher is better)\n",
		res.Lines, bench.Stages, rounds)
	return err
}
