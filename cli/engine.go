package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/metrics"
	"github.com/serviceflow/serviceflow/monitor"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/stream"
	"github.com/serviceflow/serviceflow/tui"
)

// input is one item of a stream: a decoded object, or a malformed line.
type input struct {
	line   int // 1-based line number (or sequence number for generated streams)
	values map[string]any
	bad    *jsonl.LineError
	rec    stream.Record // the source's record, acknowledged once the result is durable, if hasRec
	hasRec bool          // false for a generated stream: nothing to acknowledge
}

// record returns the input's record in its source, nil if it has none.
// (The input holds it by value: a pointer passed through a feed's emit
// would cost an allocation per input.)
func (in *input) record() *stream.Record {
	if !in.hasRec {
		return nil
	}
	return &in.rec
}

// feed produces a stream: it calls emit for each input until the stream
// ends or emit returns false (stop), and returns the stream's final error
// (nil at its normal end). ctx ends when intake stops (not before: an
// interrupt stops intake, which then stops the feed), for a feed that waits.
type feed func(ctx context.Context, emit func(input) bool) error

// job is one run of a flow over a stream, the heart of demo and run.
type job struct {
	flow         *flow.Flow
	options      []actors.Option
	feed         feed
	sink         *sink
	ui           tui.Options   // Mode Off: no monitor
	drainTimeout time.Duration // after an interrupt; 0 means 10 s
	malformed    func(*jsonl.LineError)
	metricsAddr  string // serve Prometheus metrics here while running; "" for none
	monitorAddr  string // serve the flow to flowrun attach here; "" for none
	monitorToken string // the token --monitor requires; "" for none
	// hurry is closed by a second interrupt: stop waiting for the inputs
	// in flight (see finish). nil: never.
	hurry <-chan struct{}
	// watch, with --watch, follows the flow file (see watch.go); nil: don't.
	watch *watchSpec
	// partitions lists the source's partitions in the snapshots (see
	// sourcePartitions); nil: it has none.
	partitions func() []snapshot.Partition
	// connections lists the run's broker connections in the snapshots (see
	// brokerConnections); nil: it has none.
	connections func() []snapshot.Connection
}

// hurryGrace is how long a run waits for the runtime after a second
// interrupt before it records the inputs still in flight itself.
const hurryGrace = 500 * time.Millisecond

// errInterrupted is the error of an input still in flight when a second
// interrupt ended the run without waiting for the runtime.
var errInterrupted = errors.New("flowrun: interrupted again before the input finished")

// outcome is how a job ended.
type outcome struct {
	lastLine    int           // the line of the last input processed (every earlier one was too)
	ended       bool          // the stream ended (or broke) and its feed returned
	interrupted bool          // a signal ended intake early
	cutShort    bool          // inputs in flight were failed by the drain's deadline (or a second signal)
	endless     bool          // the source runs until a signal (a broker or an HTTP ingress; set by the caller)
	quit        bool          // the user quit the terminal UI
	flowErr     error         // the flow's escalation, if any
	readErr     error         // the stream's error, if it broke
	writeErr    error         // the first error writing results, if any (set by the caller)
	uiErr       error         // the monitor's error, if any
	elapsed     time.Duration // from start to the last result
}

// run runs j until its stream ends, ctx is cancelled (an interrupt: intake
// stops, in-flight inputs get drainTimeout to finish) or the monitor quits.
// Every input taken from the stream gets exactly one result in j.sink.
func (j *job) run(ctx context.Context) (outcome, error) {
	defer tuneGC()() // see memory.go
	start := time.Now()
	rt, err := j.start(ctx) // see watch.go
	if err != nil {
		return outcome{}, fmt.Errorf("start the flow: %w", err)
	}
	// src is rt with the lines read and the malformed ones in its snapshots.
	intake := &j.sink.intake
	intake.Partitions(j.partitions)
	intake.Connections(j.connections)
	src := intake.Wrap(rt)
	if j.metricsAddr != "" {
		srv, err := metrics.Listen(j.metricsAddr, src)
		if err != nil {
			_ = rt.Drain(ctx)
			return outcome{}, usageError("--metrics %s: %v", j.metricsAddr, err)
		}
		defer srv.Close(context.WithoutCancel(ctx))
	}
	if j.monitorAddr != "" {
		srv, err := monitor.Listen(j.monitorAddr, src, monitor.Token(j.monitorToken))
		if err != nil {
			_ = rt.Drain(ctx)
			return outcome{}, usageError("--monitor %s: %v", j.monitorAddr, err)
		}
		defer srv.Close(context.WithoutCancel(ctx))
	}

	// The owner of Results: it must read them concurrently with Submit.
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		for res := range rt.Results() {
			j.sink.add(res)
		}
	}()

	// The monitor. uiCtx ends when the run is over, after the terminal UI
	// has held its summary (ended) until the user quits; the UI may end
	// earlier, when the user quits (it drains the runtime itself).
	uiCtx, stopUI := context.WithCancel(context.WithoutCancel(ctx))
	defer stopUI()
	uiDone := make(chan error, 1)
	ended := make(chan struct{})
	ui := j.ui
	ui.Done = ended
	go func() { uiDone <- tui.Run(uiCtx, src, ui) }()

	// The stream's producer, which is also intake: each input is checked,
	// built into a context and submitted on the feed's own goroutine, with
	// no hand-off per input. This goroutine watches for what ends intake
	// early (an interrupt, a broken sink, the user quitting) and stops it
	// through in. When intake stops early the feed may be blocked reading
	// (stdin cannot be interrupted): it is left to end when its read
	// returns, and it takes nothing more from the stream after the stop.
	in := &intakeLoop{ctx: ctx, rt: rt, sink: j.sink, malformed: j.malformed}
	in.submitCtx, in.cancelSubmit = context.WithCancel(ctx)
	defer in.cancelSubmit()
	feedCtx, stopFeed := context.WithCancel(context.WithoutCancel(ctx))
	defer stopFeed()
	fed := make(chan error, 1)
	go func() { fed <- j.feed(feedCtx, in.emit) }()

	var out outcome
	var uiErr error
	uiEnded := false
	broken := j.sink.broken()
intake:
	for {
		select {
		case err := <-fed:
			out.readErr, out.ended = err, true
			break intake
		case <-ctx.Done():
			in.stop()
			out.interrupted = true
			break intake
		case <-broken:
			in.stop() // the results can't be written: stop taking inputs
			break intake
		case uiErr = <-uiDone:
			uiEnded = true
			if j.ui.Mode == tui.TUI {
				in.stop()
				out.quit = true
				break intake
			}
		}
	}
	in.result(&out)
	stopFeed()

	drainErr, abandoned := j.finish(ctx, rt, consumed)
	if !out.quit && (abandoned || errors.Is(drainErr, actors.ErrDrainTimeout)) {
		out.interrupted = true // even if the stream had ended: inputs were cut short
		out.cutShort = true
	}
	out.elapsed = time.Since(start)
	close(ended)
	if j.ui.Mode == tui.TUI && !uiEnded && !out.interrupted {
		select { // the summary is on screen until the user quits
		case uiErr = <-uiDone:
			uiEnded = true
		case <-ctx.Done():
		}
	}
	stopUI()
	if !uiEnded {
		uiErr = <-uiDone
	}
	out.uiErr = uiErr
	out.flowErr = rt.Err()
	if out.flowErr == nil && drainErr != nil && !errors.Is(drainErr, actors.ErrDrainTimeout) {
		return out, fmt.Errorf("drain: %w", drainErr)
	}
	return out, nil
}

// finish drains rt and waits until the owner of its results (consumed) has
// taken them all. After a second interrupt it waits at most hurryGrace more:
// the drain's context is cancelled at once, so the runtime reports the inputs
// in flight Failed, but a service that ignores its context can hold the
// drain for seconds. Then the sink records what is still in flight itself
// and finish returns abandoned, leaving the drain and the results' owner
// running: only a process about to exit hurries (see Main).
func (j *job) finish(ctx context.Context, rt runner, consumed <-chan struct{}) (err error, abandoned bool) {
	done := make(chan error, 1)
	go func() {
		err := j.drain(ctx, rt)
		<-consumed
		done <- err
	}()
	select {
	case err := <-done:
		return err, false
	case <-j.hurry:
	}
	t := time.NewTimer(hurryGrace)
	defer t.Stop()
	select {
	case err := <-done:
		return err, false
	case <-t.C:
		j.sink.abandon(errInterrupted)
		return nil, true
	}
}

// drain stops intake and waits for the inputs in flight: without a deadline
// while ctx lives (the stream ended normally), at most drainTimeout once ctx
// is cancelled, and no longer once hurried; then the runtime fails what is
// left.
func (j *job) drain(ctx context.Context, rt runner) error {
	timeout := j.drainTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	// The cause says why the drain was cut short, for a runtime that
	// reports it (context.Cause) in the results of the inputs it fails.
	dctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancel(nil)
	drained := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
		case <-j.hurry:
			cancel(errInterrupted)
			return
		case <-drained:
			return
		}
		t := time.NewTimer(timeout)
		defer t.Stop()
		select {
		case <-t.C:
			cancel(fmt.Errorf("flowrun: interrupted, and --drain-timeout %v passed", timeout))
		case <-j.hurry:
			cancel(errInterrupted)
		case <-drained:
		}
	}()
	err := rt.Drain(dctx)
	close(drained)
	<-watched
	return err
}
