package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/stream"
	"github.com/serviceflow/serviceflow/stream/httpin"
	"github.com/serviceflow/serviceflow/tui"
)

// defaultMaxInFlight is the runtime's MaxInFlight when neither the flag nor
// the flow file sets one.
const defaultMaxInFlight = 1024

// runFlags are run's options.
type runFlags struct {
	in, out, dead string
	checkpoint    string
	outFormat     string
	ui            string
	maxInFlight   int
	maxUncommit   int
	drainTimeout  time.Duration
	refresh       time.Duration
	metrics       string
	monitor       string
	monitorToken  string
	exitOnDone    bool
	record        string
	watch         bool
	// For tests of --watch: when to poll the flow file (nil: a ticker)
	// and a hook told each reload event.
	watchTicks  <-chan time.Time
	watchNotify func(snapshot.Event)
	// changed reports whether a flag was given (nil: none was): those
	// not given come from the flow file's in:, out:, ... if it has them.
	changed func(flag string) bool
	// byFile holds the stream flags whose value the flow file gave, with
	// their field (see withStreams).
	byFile map[string]string
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

With --checkpoint FILE, a restart resumes: FILE records the last input line
whose result is durable (flushed and fsynced), a restart skips the lines up
to it and appends to --out and --dead-letters. After a crash, only the
lines that were in flight get a second result: read and not yet in the
checkpoint, at most --max-uncommitted (4 × max_in_flight by default;
the reader waits rather than get further ahead). The same bound holds for
a Kafka group's uncommitted offsets and a JetStream consumer's acks.

SIGINT or SIGTERM stops reading and drains: inputs in flight get
--drain-timeout to finish, then are reported failed (and dead-lettered).
A second signal stops waiting: the inputs still in flight are reported
failed at once (within a second, even if a service ignores its context),
and the results, dead letters and summary are written. A third exits
without a summary.

With --watch, run follows the flow file: it polls it (every 500ms, by its
modification time, size and content hash) and, when an edit loads and
validates, new inputs go to the new flow while the inputs in flight finish
on the old one; each input still gets exactly one result. The monitor shows
the switch as a reload event. An edit that does not load or validate keeps
the old flow running and shows its problems (file:line:col) as
reload-failed events (on stderr with --ui plain or off). The new flow's
max_in_flight and supervision apply to it; while the old one drains, both
count their own inputs in flight. Declared input: types are checked against
the first version. Dead letters of a replaced flow can no longer be
replayed from the monitor.

The flow file may name its input and outputs (in:, out:, dead_letters:,
checkpoint:, out_format:, with relative paths resolved against its
directory); a flag given on the command line wins, and the file's
checkpoint: is used only with its in:.

Exit codes: 0 the run completed, even if some inputs failed (they are in the
output and the dead letters); 1 the flow failed (a supervisor gave up) or
the output could not be written (intake stops at the first write error); 2 usage or flow-file errors, before any
input is read; 130 interrupted (a file or stdin input cut short by a signal, or
any run whose inputs in flight the drain had to fail). A broker or HTTP input
(--in URL) runs until SIGTERM/SIGINT by design: a clean drain after the
signal exits 0.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fl.changed = cmd.Flags().Changed
			return e.run(cmd.Context(), args[0], fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.in, "in", "-", "input JSON lines: a file, - for stdin, a broker URL (kafka://, nats://), or http://HOST:PORT/PATH[?wait=1s] to listen for POSTs (each answered with its result)")
	f.StringVar(&fl.out, "out", "-", "results as JSON lines: a file, - for stdout, or a broker URL")
	f.StringVar(&fl.dead, "dead-letters", "", "write the original input of every failed input to this file or broker URL")
	f.StringVar(&fl.checkpoint, "checkpoint", "", "resume a file input: record here the last input line whose result is durable, and on start skip the lines up to it (--out and --dead-letters are then appended to)")
	f.StringVar(&fl.outFormat, "out-format", "result", "result: one result envelope per input; values: its values object alone, so flows chain")
	f.StringVar(&fl.ui, "ui", "auto", "monitor on stderr: auto, tui, plain, json or off")
	addRefresh(f, &fl.refresh)
	addMetrics(f, &fl.metrics)
	addMonitor(f, &fl.monitor, &fl.monitorToken)
	addExitOnDone(f, &fl.exitOnDone)
	addRecord(f, &fl.record)
	f.IntVar(&fl.maxInFlight, "max-in-flight", 0, "bound on inputs in flight (default: the flow file's max_in_flight, else 1024)")
	f.IntVar(&fl.maxUncommit, "max-uncommitted", 0, "bound on records read from the source and not yet committed back to it (a checkpoint, Kafka offsets, JetStream acks): at most this many are redone after a crash (default: 4 × max-in-flight)")
	f.DurationVar(&fl.drainTimeout, "drain-timeout", 10*time.Second, "after an interrupt, how long in-flight inputs may take to finish")
	f.BoolVar(&fl.watch, "watch", false, "reload the flow file when it changes: new inputs go to the new flow, inputs in flight finish on the old")
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
	rec, closeRec, err := createRecord(fl.record)
	if err != nil {
		return err
	}
	defer closeRec()
	if fl.maxInFlight < 0 || fl.maxUncommit < 0 || fl.drainTimeout < 0 {
		return usageError("run: --max-in-flight, --max-uncommitted and --drain-timeout must not be negative")
	}
	if fl.maxInFlight > flowfile.InFlightLimit { // the runtime allocates for it at start
		return usageError("run: --max-in-flight must be at most %d, not %d", flowfile.InFlightLimit, fl.maxInFlight)
	}
	var stamp fileStamp // --watch: the version loaded (stamped first: an edit meanwhile is seen)
	if fl.watch {
		if stamp, _, _, err = stampFile(path, fileStamp{}); err != nil {
			return usageError("run: --watch: %v", err)
		}
	}
	file, err := e.load(path, e.stderr, true)
	if err != nil {
		return err
	}
	fl, note := fl.withStreams(file.Streams) // the flow file's in:, out:, ... where no flag is given
	if note != "" {
		fmt.Fprintln(e.stderr, note)
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	if fl.outFormat != "result" && fl.outFormat != "values" {
		return usageError("run: --out-format %q: want result or values", fl.outFormat)
	}
	lim := sourceLimits{
		window:     cmp.Or(fl.maxUncommit, stream.WindowFor(cmp.Or(fl.maxInFlight, file.MaxInFlight, defaultMaxInFlight))),
		revokeWait: cmp.Or(fl.drainTimeout, 10*time.Second),
	}
	// A lost broker shows in the monitor; with --ui off, on stderr.
	e.brokerLog = runtimeLogger(mode, e.stderr)
	src, err := e.openSource(ctx, fl.in, fl.checkpoint, lim, jsonl.Check(file.CheckInput)) // declared input types hold, per line
	if err != nil {
		return fl.fromFile(err, "in", "checkpoint")
	}
	if h, ok := src.(*httpin.Source); ok {
		fmt.Fprintf(e.stderr, "run: listening on %s (POST application/json or application/x-ndjson)\n", h.URL())
	}
	// The source is closed last, after the sinks: its final commit then
	// covers every result made durable.
	defer src.Close(context.WithoutCancel(ctx))
	s := &sink{values: fl.outFormat == "values"}
	if acking(src) {
		s.acks = stream.NewDeliveries(src)
	}
	if s.out, err = e.openSink(ctx, "--out", fl.out, fl.checkpoint != "", lim); err != nil {
		return fl.fromFile(err, "out")
	}
	defer s.out.Close(context.WithoutCancel(ctx))
	if fl.dead != "" {
		if s.dead, err = e.openSink(ctx, "--dead-letters", fl.dead, fl.checkpoint != "", lim); err != nil {
			return fl.fromFile(err, "dead-letters")
		}
		defer s.dead.Close(context.WithoutCancel(ctx))
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

	options := func(file *flowfile.File) []actors.Option {
		opts := []actors.Option{
			actors.Supervision(file.Supervision.Spec()),
			actors.Logger(runtimeLogger(mode, e.stderr)),
			actors.Affinity(stream.KeyValue), // a broker record's key keeps its order through concurrent stages
		}
		if n := max(fl.maxInFlight, 0); n > 0 || file.MaxInFlight > 0 {
			opts = append(opts, actors.MaxInFlight(cmp.Or(n, file.MaxInFlight)))
		}
		return opts
	}
	opts := options(file)
	j := &job{
		flow:         file.Flow,
		options:      opts,
		feed:         sourceFeed(src, recheck(src, file.CheckInput)),
		sink:         s,
		ui:           tui.Options{Mode: mode, Refresh: fl.refresh, Out: e.stderr, In: keys, NoSummary: true, ExitOnDone: fl.exitOnDone, Record: rec},
		drainTimeout: fl.drainTimeout,
		metricsAddr:  fl.metrics,
		monitorAddr:  fl.monitor,
		monitorToken: monitorToken(fl.monitorToken),
		malformed:    report.add,
		hurry:        e.hurry,
		partitions:   sourcePartitions(src),
		connections:  brokerConnections(end{"in", src}, end{"out", s.out}, end{"dead-letters", s.dead}),
	}
	if fl.watch {
		j.watch = e.watchSpec(path, stamp, mode, fl, options)
	}
	out, err := j.run(ctx)
	if err != nil {
		return orCode(ExitFlowFailed, fmt.Errorf("run: %w", err))
	}
	out.endless = isURL(fl.in) // a broker or HTTP source ends only by a signal
	owned := sourceState(src)  // before Close gives the partitions up
	lost := outages(j.connections)
	report.flush()
	out.writeErr = s.close(context.WithoutCancel(ctx))
	if err := src.Close(context.WithoutCancel(ctx)); err != nil && out.writeErr == nil {
		out.writeErr = fmt.Errorf("committing the input's position: %w", err)
	}
	if cs := consumerState(src); cs != "" { // after Close: its last poll follows the last acks
		owned = cs
	}
	c := s.snapshot()
	// Every non-blank line up to the last one processed was processed, so
	// the blank ones are the difference; once the stream has ended, the
	// reader's count also has those after the last input.
	resumed := resumedAfter(src)
	blanks := 0
	switch {
	case isURL(fl.in):
		// A broker's offsets are not lines: it has no blank ones.
	case out.ended:
		blanks = blankLines(src)
	default:
		blanks = max(0, out.lastLine-resumed-c.Read)
	}
	var extra []string
	if blanks > 0 {
		extra = append(extra, fmt.Sprintf("blank=%d", blanks))
	}
	if resumed > 0 {
		extra = append(extra, fmt.Sprintf("resumed_after=%d", resumed))
	}
	if fl.dead != "" {
		extra = append(extra, "dead_letters="+fl.dead)
	}
	if owned != "" {
		extra = append(extra, owned)
	}
	if lost != "" {
		extra = append(extra, lost)
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
