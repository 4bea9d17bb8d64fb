package actors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/supervisor"
)

// Errors Submit and Drain return.
var (
	// ErrDraining is returned by Submit once Drain has been called.
	ErrDraining = errors.New("actors: runtime is draining; no new inputs")
	// ErrDrainTimeout is the error of inputs still in flight when Drain's
	// deadline passed; Drain returns an error matching it.
	ErrDrainTimeout = errors.New("actors: drain deadline passed before the input finished")
)

type retryNote struct {
	last  time.Time
	count int // retries since last
}

// Runtime runs a flow as actors over a stream of inputs. Create it with
// Start; feed it with Submit; read every result from Results; end it with
// Drain. Its methods are safe for concurrent use.
type Runtime struct {
	cfg    config
	prog   *flow.Program
	system *actor.ActorSystem
	ctx    context.Context // services' context; cancelled when Drain gives up
	cancel context.CancelFunc

	instances [][]*instance // per node
	stages    []*counters   // per node, aggregated over instances at snapshot
	sup       *supervision
	led       *ledger
	ev        *events
	retry     *retrier
	results   chan flow.Result
	rates     rates
	started   time.Time

	draining   atomic.Bool
	closing    chan struct{}                 // closed by Drain: wakes blocked Submits
	admitting  sync.RWMutex                  // Submit holds it shared while admitting; Drain takes it once to wait them out
	gate       atomic.Pointer[chan struct{}] // non-nil while intake is paused
	escErr     atomic.Pointer[error]
	stopping   atomic.Bool // set by escalation and drain sweeps: actors check their inputs
	actorsDone sync.WaitGroup
	replays    sync.WaitGroup
	bg         sync.WaitGroup // sampler and retrier

	retryMu  sync.Mutex
	retryLog map[string]retryNote // per stage: when its last retry event was recorded

	drainOnce sync.Once
	drainErr  error
}

// Start compiles f, starts its services (those implementing flow.Starter, or
// built by flow.Build, once per instance) and spawns its actors. It fails if
// the flow does not compile or a service does not start. ctx bounds the
// start-up only; the runtime runs until Drain.
func Start(ctx context.Context, f *flow.Flow, opts ...Option) (*Runtime, error) {
	p, err := f.Program()
	if err != nil {
		return nil, err
	}
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	rt := &Runtime{
		cfg: cfg, prog: p, ctx: rctx, cancel: cancel,
		led:      newLedger(cfg.maxInFlight, cfg.deadLetterCap),
		ev:       newEvents(cfg.eventCap),
		retry:    newRetrier(),
		results:  make(chan flow.Result, cfg.maxInFlight),
		closing:  make(chan struct{}),
		started:  time.Now(),
		retryLog: map[string]retryNote{},
	}
	logger := slog.New(discard{})
	rt.system = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return logger }))
	if err := rt.spawn(ctx); err != nil {
		rt.stopActors()
		rt.stopServices(ctx)
		cancel()
		return nil, err
	}
	rt.sup = newSupervision(rt)
	for _, pool := range rt.instances {
		for _, in := range pool {
			// A one-for-one root restarts a stage's own instances only, from
			// the failing actor: a single instance is then only ever restarted
			// by its own goroutine and needs no lock around calls.
			in.locked = len(pool) > 1 || rt.cfg.supervision.Strategy != supervisor.OneForOne
		}
	}
	rt.bg.Add(2)
	go func() { defer rt.bg.Done(); rt.retry.run(rt.resend) }()
	go func() { defer rt.bg.Done(); rt.sample() }()
	return rt, nil
}

// spawn builds every node's instances and actors.
func (rt *Runtime) spawn(ctx context.Context) error {
	rt.instances = make([][]*instance, len(rt.prog.Nodes))
	rt.stages = make([]*counters, len(rt.prog.Nodes))
	for i, n := range rt.prog.Nodes {
		count := 1
		if n.Op == flow.OpCall {
			count = n.Config.Concurrency
		}
		for k := range count {
			in := &instance{rt: rt, node: i, index: k, name: n.Name}
			if count > 1 {
				in.name = fmt.Sprintf("%s#%d", n.Name, k+1)
			}
			in.stats = &counters{}
			if n.Op == flow.OpCall {
				svc, err := rt.newService(ctx, i)
				if err != nil {
					return fmt.Errorf("actors: start %q: %w", in.name, err)
				}
				in.svc = svc
			}
			rt.instances[i] = append(rt.instances[i], in)
		}
	}
	for _, pool := range rt.instances {
		for _, in := range pool {
			in.worker = newWorker(300)
			props := actor.PropsFromProducer(func() actor.Actor { return in }, actor.WithDispatcher(in.worker))
			rt.actorsDone.Add(1)
			in.pid = rt.system.Root.Spawn(props)
		}
	}
	return nil
}

// newService returns a started service for node i (see flow.Node.Start).
func (rt *Runtime) newService(ctx context.Context, i int) (flow.Service, error) {
	return rt.prog.Nodes[i].Start(ctx)
}

// redeliveries is how many times node i redelivers one input after
// restarts: its stage's supervision (an override, or the flow's), where a
// negative MaxRedeliveries means never.
func (rt *Runtime) redeliveries(i int) int {
	spec, ok := rt.cfg.stageSpecs[rt.prog.Nodes[i].Name]
	if !ok {
		spec = rt.cfg.supervision
	}
	return max(spec.MaxRedeliveries, 0)
}

// Submit admits one input. It blocks while MaxInFlight inputs are in flight
// or intake is paused, until ctx is done (returning its error) or Drain is
// called (ErrDraining). After an escalation it returns the flow's error.
func (rt *Runtime) Submit(ctx context.Context, input map[string]any) error {
	return rt.SubmitContext(ctx, flow.NewContext(input))
}

// SubmitContext is Submit for a context the caller made with
// flow.NewContext, so it knows the input's ID (c.ID()) before its result
// arrives: to match results to its own records, say. c must be new and the
// caller must not touch it afterwards; its result's Context is c.
func (rt *Runtime) SubmitContext(ctx context.Context, c *flow.Context) error {
	rt.admitting.RLock()
	defer rt.admitting.RUnlock()
	if rt.draining.Load() {
		return ErrDraining
	}
	if err := rt.escalated(); err != nil {
		return err
	}
	if g := rt.gate.Load(); g != nil {
		select {
		case <-*g:
		case <-ctx.Done():
			return ctx.Err()
		case <-rt.closing:
			return ErrDraining
		}
	}
	var slot int32
	select {
	case slot = <-rt.led.free:
	default:
		select {
		case slot = <-rt.led.free:
		case <-ctx.Done():
			return ctx.Err()
		case <-rt.closing:
			return ErrDraining
		}
	}
	it := item{c: c, slot: slot}
	rt.prog.Begin(c)
	rt.led.admit(it)
	rt.enter(it)
	return nil
}

// enter sends it to the node its context is at (the entry, for a new or
// retried input) from outside the actors.
func (rt *Runtime) enter(it item) {
	at := rt.prog.At(it.c)
	if at == flow.End {
		rt.finish(it)
		return
	}
	pool := rt.instances[at]
	dst := pool[0]
	if len(pool) > 1 {
		dst = pool[int(it.c.ID())%len(pool)]
		if key := rt.prog.Nodes[at].Config.AffinityKey; key != "" {
			v, _ := it.c.Get(key)
			dst = pool[hashValue(v)%uint64(len(pool))]
		}
	}
	dst.push(it)
}

// finish ends an input that reached the end of the flow: retry it, or report
// its one result.
func (rt *Runtime) finish(it item) {
	res, retry, wait := rt.prog.Finish(it.c)
	if retry {
		if err := rt.escalated(); err != nil {
			rt.abandon(it, err)
			return
		}
		rt.led.retried.Add(1)
		rt.noteRetry(it, wait)
		rt.retry.schedule(it, wait)
		return
	}
	rt.report(it, res)
}

// noteRetry records a retry event, at most one per stage per second: a
// service that asks for retries often would otherwise fill the ring and push
// out the restarts and escalations people look for. The event counts the
// retries it stands for.
func (rt *Runtime) noteRetry(it item, wait time.Duration) {
	err := rt.prog.Err(it.c)
	stage := stageOf(err)
	now := time.Now()
	rt.retryMu.Lock()
	r := rt.retryLog[stage]
	r.count++
	due := now.Sub(r.last) >= time.Second
	n := r.count
	if due {
		r.last, r.count = now, 0
	}
	rt.retryLog[stage] = r
	rt.retryMu.Unlock()
	if !due {
		return
	}
	msg := fmt.Sprintf("attempt %d failed, retrying in %v: %v", it.c.Attempt(), wait.Round(time.Microsecond), err)
	if n > 1 {
		msg = fmt.Sprintf("%d retries in the last second; latest: %s", n, msg)
	}
	rt.ev.add(snapshot.EventRetry, stage, it.c.ID(), msg)
}

// report emits res for it if nobody has yet.
func (rt *Runtime) report(it item, res flow.Result) {
	if !rt.led.claim(it) {
		return
	}
	rt.led.count(res.Status)
	if res.Status == flow.Failed {
		dl := rt.led.bury(res, stageOf(res.Err))
		rt.ev.add(snapshot.EventDeadLetter, dl.Stage, dl.ID, dl.Err)
	}
	rt.results <- res
	rt.led.release(it)
}

// abandon reports it Failed with err without running it further: after an
// escalation, or at the drain deadline. The context may still be held by an
// actor, so the result carries a copy of the original input.
func (rt *Runtime) abandon(it item, err error) {
	c := it.c.Original()
	rt.report(it, flow.Result{Context: c, Status: flow.Failed, Err: &flow.StageError{Stage: "", Attempt: 0, Err: err}})
}

// resend re-admits a retried input at the flow's entry.
func (rt *Runtime) resend(it item) {
	if !rt.led.live(it) {
		return
	}
	if err := rt.escalated(); err != nil {
		rt.abandon(it, err)
		return
	}
	rt.prog.Retry(it.c)
	rt.enter(it)
}

// escalate fails the flow: intake stops and every input in flight is
// reported Failed with err.
func (rt *Runtime) escalate(err error) {
	if !rt.escErr.CompareAndSwap(nil, &err) {
		return
	}
	rt.stopping.Store(true)
	rt.cfg.logger.Error("flow failed: supervision gave up", "flow", rt.prog.Name, "err", err)
	for _, it := range rt.led.sweep() {
		rt.reportSwept(it, err)
	}
}

// reportSwept reports an input whose slot a sweep already claimed.
func (rt *Runtime) reportSwept(it item, err error) {
	c := it.c.Original()
	res := flow.Result{Context: c, Status: flow.Failed, Err: &flow.StageError{Err: err}}
	rt.led.count(flow.Failed)
	dl := rt.led.bury(res, "")
	rt.ev.add(snapshot.EventDeadLetter, "", dl.ID, dl.Err)
	rt.results <- res
	rt.led.release(it)
}

// escalated is the flow's failure, or nil.
func (rt *Runtime) escalated() error {
	if p := rt.escErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Err is the error that failed the flow (a *supervisor.EscalationError), or
// nil while it runs.
func (rt *Runtime) Err() error { return rt.escalated() }

// Results delivers exactly one result per admitted input. It is closed when
// Drain returns. Results must be read: when nobody reads, the flow stops at
// MaxInFlight finished-but-unread inputs.
func (rt *Runtime) Results() <-chan flow.Result { return rt.results }

// Pause stops intake: Submit blocks until Resume. Inputs in flight finish.
func (rt *Runtime) Pause() {
	ch := make(chan struct{})
	if rt.gate.CompareAndSwap(nil, &ch) {
		rt.ev.add(snapshot.EventPause, "", 0, "intake paused")
	}
}

// Resume restarts intake after Pause.
func (rt *Runtime) Resume() {
	if g := rt.gate.Swap(nil); g != nil {
		close(*g)
		rt.ev.add(snapshot.EventResume, "", 0, "intake resumed")
	}
}

// Replay submits the original inputs of the dead letters with the given IDs
// (all when none are given) again, as new inputs, and removes them from the
// dead letters. It returns how many it will submit; submission happens in the
// background so Replay never blocks on MaxInFlight.
func (rt *Runtime) Replay(ids ...uint64) (int, error) {
	if rt.draining.Load() {
		return 0, ErrDraining
	}
	inputs := rt.led.takeDead(ids)
	if len(inputs) == 0 {
		return 0, nil
	}
	rt.ev.add(snapshot.EventReplay, "", 0, fmt.Sprintf("replaying %d dead letters", len(inputs)))
	rt.replays.Add(1)
	go func() {
		defer rt.replays.Done()
		for _, in := range inputs {
			if err := rt.Submit(rt.ctx, in); err != nil {
				return
			}
		}
	}()
	return len(inputs), nil
}

// Drain stops intake, waits for the inputs in flight to finish, then stops
// the actors and services and closes Results. When ctx ends first, inputs
// still in flight are reported Failed (matching ErrDrainTimeout) and services
// see their context cancelled. It returns the flow's escalation error, if
// any, or the drain timeout; calling it again returns the same.
func (rt *Runtime) Drain(ctx context.Context) error {
	rt.drainOnce.Do(func() { rt.drainErr = rt.drain(ctx) })
	return rt.drainErr
}

func (rt *Runtime) drain(ctx context.Context) error {
	rt.draining.Store(true)
	close(rt.closing)
	rt.Resume()
	rt.ev.add(snapshot.EventDrain, "", 0, "draining")
	rt.admitting.Lock() // Submits in progress have returned (blocked ones were woken by closing)
	rt.admitting.Unlock()
	rt.replays.Wait()

	// Every slot back on the free list means every input's result was sent:
	// a slot is released only after its result.
	var errs []error
	tick := time.NewTicker(time.Millisecond)
	for !rt.led.idle() {
		select {
		case <-tick.C:
			continue
		case <-ctx.Done():
		}
		rt.stopping.Store(true)
		swept := rt.led.sweep()
		for _, it := range swept {
			rt.reportSwept(it, fmt.Errorf("%w (%v)", ErrDrainTimeout, ctx.Err()))
		}
		if len(swept) > 0 {
			errs = append(errs, fmt.Errorf("%w: %d inputs reported Failed", ErrDrainTimeout, len(swept)))
		}
		break
	}
	for !rt.led.idle() { // results claimed before the sweep, still being sent
		<-tick.C
	}
	tick.Stop()
	rt.cancel() // services still running see their context end
	rt.retry.close()
	rt.stopActors()
	rt.stopServices(context.WithoutCancel(ctx))
	rt.bg.Wait()
	close(rt.results)
	if err := rt.escalated(); err != nil {
		errs = append([]error{err}, errs...)
	}
	return errors.Join(errs...)
}

// stopActors stops every actor and waits for them, for at most a few
// seconds: an actor stuck in a service call cannot be stopped, only
// abandoned (its input has been reported already).
func (rt *Runtime) stopActors() {
	for _, pool := range rt.instances {
		for _, in := range pool {
			if in.pid != nil {
				rt.system.Root.Stop(in.pid)
			}
		}
	}
	done := make(chan struct{})
	go func() { rt.actorsDone.Wait(); close(done) }()
	select {
	case <-done:
		for _, pool := range rt.instances {
			for _, in := range pool {
				if in.worker != nil {
					in.worker.stop()
				}
			}
		}
	case <-time.After(5 * time.Second):
		// A worker stuck in a service call cannot be stopped, only left:
		// its input has been reported already.
		rt.cfg.logger.Warn("actors did not stop in 5s; a service call is stuck")
	}
	rt.system.Shutdown()
}

// stopServices calls Stop on every started service that has one.
func (rt *Runtime) stopServices(ctx context.Context) {
	for _, pool := range rt.instances {
		for _, in := range pool {
			in.mu.Lock()
			if s, ok := in.svc.(flow.Stopper); ok {
				if err := s.Stop(ctx); err != nil {
					rt.cfg.logger.Warn("service stop failed", "stage", in.name, "err", err)
				}
			}
			in.svc = nil
			in.mu.Unlock()
		}
	}
}

func stageOf(err error) string {
	var se *flow.StageError
	if errors.As(err, &se) {
		return se.Stage
	}
	return ""
}

// discard is a slog.Handler that drops everything: protoactor logs every
// actor start at Info level.
type discard struct{}

func (discard) Enabled(context.Context, slog.Level) bool  { return false }
func (discard) Handle(context.Context, slog.Record) error { return nil }
func (d discard) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discard) WithGroup(string) slog.Handler           { return d }
