package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/tui"
)

// runFlags are run's options.
type runFlags struct {
	in, out, dead string
	ui            string
	maxInFlight   int
	drainTimeout  time.Duration
	refresh       time.Duration
	metrics       string
	monitor       string
	monitorToken  string
	exitOnDone    bool
}

func (e *env) runCmd() *cobra.Command {
	var fl runFlags
	cmd := &cobra.Command{
		Use:   "run FLOW.yaml",
		Short: "Run a flow file over JSON lines: one result line per input",
		Long: `run runs a flow file over a stream of JSON lines, one object per input, and
writes one JSON line per input:

  {"id":7,"status":"done|stopped|failed","values":{...},"error":"...","stage":"...","attempts":1}

where id is the runtime's input ID (the one the monitor's events and dead
letters show), values the input's values when it ended, and error and
stage, for stopped and failed inputs, what ended it and where.

Failed inputs are also written to --dead-letters as their original input
line, so "flowrun run FLOW.yaml --in dead.jsonl" replays them. Malformed
lines (invalid JSON, too long, too deep, not an object, ...) are reported
on stderr, one structured line each, counted, and skipped. The monitor
(--ui) and the final summary go to stderr; the summary accounts for every
line processed: read = malformed + done + stopped + failed. A line read
from the input after intake stopped is not processed (nor counted): the
summary names the last line processed, and every earlier one was.

SIGINT or SIGTERM stops reading and drains: inputs in flight get
--drain-timeout to finish, then are reported failed (and dead-lettered).
A second signal stops waiting: the inputs still in flight are reported
failed at once (within a second, even if a service ignores its context),
and the results, dead letters and summary are written. A third exits
without a summary.

Exit codes: 0 the run completed, even if some inputs failed (they are in the
output and the dead letters); 1 the flow failed (a supervisor gave up) or
the output could not be written (intake stops at the first write error); 2 usage or flow-file errors, before any
input is read; 130 interrupted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.run(cmd.Context(), args[0], fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.in, "in", "-", "input JSON lines: a file, or - for stdin")
	f.StringVar(&fl.out, "out", "-", "results as JSON lines: a file, or - for stdout")
	f.StringVar(&fl.dead, "dead-letters", "", "write the original input of every failed input to this file")
	f.StringVar(&fl.ui, "ui", "auto", "monitor on stderr: auto, tui, plain, json or off")
	addRefresh(f, &fl.refresh)
	addMetrics(f, &fl.metrics)
	addMonitor(f, &fl.monitor, &fl.monitorToken)
	addExitOnDone(f, &fl.exitOnDone)
	f.IntVar(&fl.maxInFlight, "max-in-flight", 0, "bound on inputs in flight (default: the flow file's max_in_flight, else 1024)")
	f.DurationVar(&fl.drainTimeout, "drain-timeout", 10*time.Second, "after an interrupt, how long in-flight inputs may take to finish")
	return cmd
}

func (e *env) run(ctx context.Context, path string, fl runFlags) error {
	mode, err := uiMode(fl.ui, e.stderr)
	if err != nil {
		return err
	}
	if err := checkRefresh(fl.refresh); err != nil {
		return err
	}
	if fl.maxInFlight < 0 || fl.drainTimeout < 0 {
		return usageError("run: --max-in-flight and --drain-timeout must not be negative")
	}
	if fl.maxInFlight > flowfile.InFlightLimit { // the runtime allocates for it at start
		return usageError("run: --max-in-flight must be at most %d, not %d", flowfile.InFlightLimit, fl.maxInFlight)
	}
	file, err := e.load(path, e.stderr, true)
	if err != nil {
		return err
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	in, err := e.openIn(fl.in, &closers)
	if err != nil {
		return err
	}
	s := &sink{}
	if s.out, err = e.create(fl.out, &closers); err != nil {
		return err
	}
	if fl.dead != "" {
		if s.dead, err = e.create(fl.dead, &closers); err != nil {
			return err
		}
	}
	keys := e.stdin
	if mode == tui.TUI && fl.in == "-" {
		// stdin carries the data: the monitor reads keys from the terminal.
		tty, err := os.Open("/dev/tty")
		if err != nil {
			mode = tui.Plain
		} else {
			closers = append(closers, tty)
			keys = tty
		}
	}
	report := newMalformedReport(e.stderr, mode == tui.TUI)

	opts := []actors.Option{
		actors.Supervision(file.Supervision.Spec()),
		actors.Logger(runtimeLogger(mode, e.stderr)),
	}
	if n := max(fl.maxInFlight, 0); n > 0 || file.MaxInFlight > 0 {
		opts = append(opts, actors.MaxInFlight(cmp.Or(n, file.MaxInFlight)))
	}
	lines, blank := readLines(in)
	j := &job{
		flow:         file.Flow,
		options:      opts,
		feed:         lines,
		sink:         s,
		ui:           tui.Options{Mode: mode, Refresh: fl.refresh, Out: e.stderr, In: keys, NoSummary: true, ExitOnDone: fl.exitOnDone},
		drainTimeout: fl.drainTimeout,
		metricsAddr:  fl.metrics,
		monitorAddr:  fl.monitor,
		monitorToken: monitorToken(fl.monitorToken),
		malformed:    report.add,
		hurry:        e.hurry,
	}
	out, err := j.run(ctx)
	if err != nil {
		return orCode(ExitFlowFailed, fmt.Errorf("run: %w", err))
	}
	report.flush()
	out.writeErr = s.close()
	c := s.snapshot()
	// Every non-blank line up to the last one processed was processed, so
	// the blank ones are the difference; once the stream has ended, the
	// reader's count also has those after the last input.
	blanks := out.lastLine - c.Read
	if out.ended {
		blanks = blank()
	}
	var extra []string
	if blanks > 0 {
		extra = append(extra, fmt.Sprintf("blank=%d", blanks))
	}
	if fl.dead != "" {
		extra = append(extra, "dead_letters="+fl.dead)
	}
	printSummary(e.stderr, c, out, "line", extra...)
	if out.writeErr != nil {
		return withCode(ExitFlowFailed, fmt.Errorf("run: writing results: %w", out.writeErr))
	}
	if code := exitCode(out); code != ExitOK {
		return withCode(code, nil)
	}
	return nil
}

// openIn opens --in: stdin for "-".
func (e *env) openIn(name string, closers *[]io.Closer) (io.Reader, error) {
	if name == "-" {
		return e.stdin, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("run: --in: %w", err))
	}
	*closers = append(*closers, f)
	return f, nil
}

// create creates an output file: stdout for "-".
func (e *env) create(name string, closers *[]io.Closer) (*jsonl.Writer, error) {
	if name == "-" {
		return jsonl.NewWriter(e.stdout), nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("run: %w", err))
	}
	*closers = append(*closers, f)
	return jsonl.NewWriter(f), nil
}

// readLines is the feed of a JSON-lines stream. blank is how many empty
// or whitespace-only lines it skipped, once the feed has returned.
func readLines(r io.Reader) (f feed, blank func() int) {
	jr := jsonl.NewReader(r)
	return func(_ context.Context, emit func(input) bool) error {
		for {
			rec, err := jr.Next()
			var in input
			var le *jsonl.LineError
			switch {
			case err == nil:
				in = input{line: rec.Line, values: rec.Values}
			case errors.As(err, &le):
				in = input{line: le.Line, bad: le}
			case errors.Is(err, io.EOF):
				return nil
			default:
				return err
			}
			if !emit(in) {
				return nil
			}
		}
	}, func() int { return jr.Stats().Blank }
}
