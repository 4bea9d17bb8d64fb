package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/tui"
)

// runner is what a job submits its inputs to and takes its results from:
// one *actors.Runtime, or, with --watch, a *live runtime that follows the
// flow file.
type runner interface {
	snapshot.Source
	SubmitContext(ctx context.Context, c *flow.Context) error
	Err() error
	Results() <-chan flow.Result
}

// start starts the job's flow: a live runtime with --watch, else one
// runtime.
func (j *job) start(ctx context.Context) (runner, error) {
	if j.watch != nil {
		return startLive(ctx, j.flow, j.options, j.watch)
	}
	rt, err := actors.Start(ctx, j.flow, j.options...)
	if err != nil {
		return nil, err
	}
	return rt, nil
}

// watchEvery is how often --watch polls the flow file.
const watchEvery = 500 * time.Millisecond

// maxReloadEvents bounds the reload events a live runtime keeps.
const maxReloadEvents = 100

// watchSpec is --watch: the flow file to follow and how to build it.
type watchSpec struct {
	path  string
	stamp fileStamp // the file as the running flow was loaded from it
	// build loads and validates a new version of the file: the flow and
	// the runtime's options (its supervision and max_in_flight), or the
	// problems, as flowfile.Errors.
	build func(name string, data []byte) (*flow.Flow, []actors.Option, error)
	// ticks says when to poll the file; nil: every watchEvery.
	ticks <-chan time.Time
	// notify, if set, is told each reload event as it happens.
	notify func(snapshot.Event)
}

// fileStamp identifies one version of a file: its modification time and
// size, and the hash of its content, which decides (a coarse modification
// time can miss an edit of the same size).
type fileStamp struct {
	mod  time.Time
	size int64
	sum  [sha256.Size]byte
}

// stampFile reads the file at path: its stamp and content. prev is its last
// stamp: a file whose modification time and size are those of prev, well in
// the past, is not read again.
func stampFile(path string, prev fileStamp) (fileStamp, []byte, bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, nil, false, err
	}
	if fi.ModTime().Equal(prev.mod) && fi.Size() == prev.size && time.Since(prev.mod) > 2*time.Second {
		return prev, nil, false, nil
	}
	fd, err := os.Open(path)
	if err != nil {
		return fileStamp{}, nil, false, err
	}
	defer fd.Close()
	data, err := io.ReadAll(io.LimitReader(fd, flowfile.MaxFileSize+1))
	if err != nil {
		return fileStamp{}, nil, false, err
	}
	st := fileStamp{mod: fi.ModTime(), size: fi.Size(), sum: sha256.Sum256(data)}
	return st, data, true, nil
}

// live is a flow that follows its file (flowrun run --watch). When the file
// changes and the new version loads and validates, a new runtime takes the
// new inputs while the old one drains those it has in flight; the results
// of both flow to one Results channel. An edit that does not load keeps the
// old runtime and reports its problems as events. Its snapshots are the
// current runtime's, with the totals of the retired ones added and the
// reload events merged in.
type live struct {
	spec    *watchSpec
	ctx     context.Context // the runtimes' parent
	results chan flow.Result

	oldCtx    context.Context // the drains of retired runtimes
	cancelOld context.CancelCauseFunc

	stopWatch chan struct{}  // closed by the first Drain
	watched   chan struct{}  // closed when the watcher has returned
	forwards  sync.WaitGroup // each runtime's results forwarder
	retiring  sync.WaitGroup // the drains of retired runtimes
	closeRes  sync.Once

	mu      sync.Mutex
	cur     *actors.Runtime
	gen     int // cur's generation: 1 for the first flow
	paused  bool
	closed  bool       // Drain was called: no more switches
	old     []*retired // runtimes replaced, oldest first
	events  []snapshot.Event
	lastErr string // the last error reading the file, reported once
}

// retired is a runtime a reload replaced: draining, then done (and
// dropped: only its totals and escalation are kept).
type retired struct {
	rt     *actors.Runtime // nil once done
	gen    int
	done   bool
	totals snapshot.Totals // its final totals, once done
	err    error           // its escalation, once done
}

// startLive starts f and watches spec.path for new versions of it.
func startLive(ctx context.Context, f *flow.Flow, opts []actors.Option, spec *watchSpec) (*live, error) {
	rt, err := actors.Start(ctx, f, opts...)
	if err != nil {
		return nil, err
	}
	l := &live{
		spec:      spec,
		ctx:       context.WithoutCancel(ctx),
		results:   make(chan flow.Result, 64),
		stopWatch: make(chan struct{}),
		watched:   make(chan struct{}),
		cur:       rt,
		gen:       1,
	}
	l.oldCtx, l.cancelOld = context.WithCancelCause(l.ctx)
	l.forward(rt)
	go l.watch()
	return l, nil
}

// forward copies rt's results to l.results until rt closes them.
func (l *live) forward(rt *actors.Runtime) {
	l.forwards.Add(1)
	go func() {
		defer l.forwards.Done()
		for res := range rt.Results() {
			l.results <- res
		}
	}()
}

// watch polls the file until Drain, reloading each new version.
func (l *live) watch() {
	defer close(l.watched)
	ticks := l.spec.ticks
	if ticks == nil {
		t := time.NewTicker(watchEvery)
		defer t.Stop()
		ticks = t.C
	}
	last := l.spec.stamp
	for {
		select {
		case <-l.stopWatch:
			return
		case <-ticks:
		}
		st, data, read, err := stampFile(l.spec.path, last)
		if err != nil {
			// Mid-replace, say: report it once, and try again next tick.
			if msg := err.Error(); msg != l.lastErr {
				l.lastErr = msg
				l.event(snapshot.EventReloadFailed, msg+" (the running flow is kept)")
			}
			continue
		}
		l.lastErr = ""
		if !read || st.sum == last.sum {
			last = st
			continue
		}
		last = st
		l.reload(data)
	}
}

// reload builds the new version of the file and, if it loads and
// validates, switches new inputs to it and drains the old runtime in the
// background.
func (l *live) reload(data []byte) {
	f, opts, err := l.spec.build(l.spec.path, data)
	if err != nil {
		problems := flowfile.Errors(err)
		for _, p := range problems {
			l.event(snapshot.EventReloadFailed, p.Error())
		}
		noun := "problem"
		if len(problems) != 1 {
			noun += "s"
		}
		l.event(snapshot.EventReloadFailed, fmt.Sprintf("%s: %d %s: generation %d keeps running", l.spec.path, len(problems), noun, l.generation()))
		return
	}
	rt, err := actors.Start(l.ctx, f, opts...)
	if err != nil {
		l.event(snapshot.EventReloadFailed, fmt.Sprintf("%s: start the new flow: %v: generation %d keeps running", l.spec.path, err, l.generation()))
		return
	}
	l.mu.Lock()
	if l.closed { // draining for good: the new flow gets no inputs
		l.mu.Unlock()
		_ = rt.Drain(l.oldCtx)
		return
	}
	if l.paused {
		_ = rt.Pause(l.ctx)
	}
	r := &retired{rt: l.cur, gen: l.gen}
	l.cur, l.gen = rt, l.gen+1
	gen := l.gen
	l.old = append(l.old, r)
	l.forward(rt)
	l.retiring.Add(1)
	l.mu.Unlock()
	old := r.rt
	inFlight := old.Snapshot().Totals.InFlight
	l.event(snapshot.EventReload, fmt.Sprintf("%s changed: generation %d takes new inputs; generation %d finishes its %d in flight", l.spec.path, gen, r.gen, inFlight))
	go func() {
		defer l.retiring.Done()
		err := old.Drain(l.oldCtx)
		t := old.Snapshot().Totals
		l.mu.Lock()
		r.done, r.totals, r.err, r.rt = true, t, old.Err(), nil
		l.mu.Unlock()
		msg := fmt.Sprintf("generation %d drained: %d done, %d stopped, %d failed", r.gen, t.Done, t.Stopped, t.Failed)
		if err != nil {
			msg += ": " + err.Error()
		}
		l.event(snapshot.EventReload, msg)
	}()
}

func (l *live) generation() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}

// event keeps a reload event and tells spec.notify.
func (l *live) event(kind snapshot.EventKind, msg string) {
	if len(msg) > 500 {
		msg = msg[:500] + "…"
	}
	e := snapshot.Event{Time: time.Now(), Kind: kind, Message: msg}
	l.mu.Lock()
	if len(l.events) == maxReloadEvents {
		l.events = slices.Delete(l.events, 0, 1)
	}
	l.events = append(l.events, e)
	l.mu.Unlock()
	if l.spec.notify != nil {
		l.spec.notify(e)
	}
}

func (l *live) current() (*actors.Runtime, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur, l.gen
}

// SubmitContext submits c to the current runtime. An input blocked in the
// old runtime's intake when a reload drains it is not admitted there: it
// goes to the new one.
func (l *live) SubmitContext(ctx context.Context, c *flow.Context) error {
	for {
		rt, gen := l.current()
		err := rt.SubmitContext(ctx, c)
		if !errors.Is(err, actors.ErrDraining) {
			return err
		}
		l.mu.Lock()
		moved := l.gen != gen && !l.closed
		l.mu.Unlock()
		if !moved {
			return err
		}
	}
}

// Results are the results of every runtime, closed once Drain has drained
// them all.
func (l *live) Results() <-chan flow.Result { return l.results }

// Err is the escalation of the current runtime or of a retired one.
func (l *live) Err() error {
	l.mu.Lock()
	rts := []*actors.Runtime{l.cur}
	var errs []error
	for _, r := range l.old {
		if r.done {
			errs = append(errs, r.err)
		} else {
			rts = append(rts, r.rt)
		}
	}
	l.mu.Unlock()
	for _, rt := range rts {
		errs = append(errs, rt.Err())
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Snapshot is the current runtime's, with the retired runtimes' totals
// added and the reload events merged in.
func (l *live) Snapshot() snapshot.Snapshot {
	l.mu.Lock()
	cur := l.cur
	var draining []*actors.Runtime
	var t snapshot.Totals
	for _, r := range l.old {
		if r.done {
			addTotals(&t, r.totals)
		} else {
			draining = append(draining, r.rt)
		}
	}
	evs := slices.Clone(l.events)
	l.mu.Unlock()
	for _, rt := range draining {
		addTotals(&t, rt.Snapshot().Totals)
	}
	s := cur.Snapshot()
	addTotals(&s.Totals, t)
	s.Events = mergeEvents(s.Events, evs)
	return s
}

func addTotals(t *snapshot.Totals, u snapshot.Totals) {
	t.Admitted += u.Admitted
	t.InFlight += u.InFlight
	t.Done += u.Done
	t.Stopped += u.Stopped
	t.Failed += u.Failed
	t.Retried += u.Retried
	t.Restarts += u.Restarts
}

// mergeEvents merges two lists of events, each oldest first, by time.
func mergeEvents(a, b []snapshot.Event) []snapshot.Event {
	if len(b) == 0 {
		return a
	}
	out := make([]snapshot.Event, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		if len(b) == 0 || len(a) > 0 && !a[0].Time.After(b[0].Time) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// Pause pauses the current runtime's intake, and that of the next one.
func (l *live) Pause(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.paused = true
	return l.cur.Pause(ctx)
}

// Resume resumes intake after Pause.
func (l *live) Resume(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.paused = false
	return l.cur.Resume(ctx)
}

// Replay replays the current runtime's dead letters (a retired runtime's
// can no longer be replayed).
func (l *live) Replay(ctx context.Context, ids ...uint64) (int, error) {
	rt, _ := l.current()
	return rt.Replay(ctx, ids...)
}

// Tap taps a stage of the current flow.
func (l *live) Tap(ctx context.Context, stage string, since uint64) ([]snapshot.Sample, error) {
	rt, _ := l.current()
	return rt.Tap(ctx, stage, since)
}

// Drain stops watching the file, drains the current runtime and waits for
// the retired ones (ctx ending cuts their drains short too), and closes
// Results once every result has been handed on. It returns the current
// runtime's drain error.
func (l *live) Drain(ctx context.Context) error {
	l.mu.Lock()
	first := !l.closed
	l.closed = true
	l.mu.Unlock()
	if first {
		close(l.stopWatch)
	}
	<-l.watched // no switch is under way or to come
	stop := context.AfterFunc(ctx, func() { l.cancelOld(context.Cause(ctx)) })
	defer stop()
	rt, _ := l.current()
	err := rt.Drain(ctx)
	l.retiring.Wait()
	l.cancelOld(nil)
	l.forwards.Wait()
	l.closeRes.Do(func() { close(l.results) })
	return err
}

// watchSpec is run's --watch: reloads are built like the first flow, with
// options (the runtime's options from a file and run's flags), and their
// events go to stderr when no monitor shows them there (--ui off).
func (e *env) watchSpec(path string, stamp fileStamp, mode tui.Mode, fl runFlags, options func(*flowfile.File) []actors.Option) *watchSpec {
	return &watchSpec{
		path:  path,
		stamp: stamp,
		build: func(name string, data []byte) (*flow.Flow, []actors.Option, error) {
			f, err := flowfile.Load(name, data, e.reg)
			if err == nil {
				err = f.Validate()
			}
			if err != nil {
				return nil, nil, err
			}
			return f.Flow, options(f), nil
		},
		ticks: fl.watchTicks,
		notify: func(ev snapshot.Event) {
			if mode == tui.Off {
				fmt.Fprintf(e.stderr, "flowrun: %s: %s\n", ev.Kind, ev.Message)
			}
			if fl.watchNotify != nil {
				fl.watchNotify(ev)
			}
		},
	}
}
