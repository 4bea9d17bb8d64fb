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
	"github.com/serviceflow/serviceflow/internal/engine"
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
	prog   *program
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

	draining atomic.Bool
	closing  chan struct{} // closed by Drain: wakes blocked Submits
	// admitting is written by every Submit; its own cache line keeps the
	// fields the actors read per input (stopping, escErr) from bouncing.
	_          [cacheLine]byte
	admitting  sync.RWMutex // Submit holds it shared while admitting; Drain takes it once to wait them out
	_          [cacheLine]byte
	gate       atomic.Pointer[chan struct{}] // non-nil while intake is paused
	escErr     atomic.Pointer[error]
	stopping   atomic.Bool // set by escalation and drain sweeps: actors check their inputs
	actorsDone sync.WaitGroup
	replays    sync.WaitGroup // Replays submitting in the background
	replayStop chan struct{}  // closed at Drain's deadline: Replays still waiting give up
	bg         sync.WaitGroup // sampler and retrier

	taps taps // open taps on stages (tap.go); nothing while none is

	retryMu  sync.Mutex
	retryLog map[string]retryNote // per stage: when its last retry event was recorded

	shut      chan struct{} // closed once actors, services and the actor system are stopped
	drainOnce sync.Once
	drainErr  error
}

// Start compiles f, starts its services (those with a Start method, or
// built by flow.Build, once per instance) and spawns its actors. It fails if
// the flow does not compile or a service does not start. ctx bounds the
// start-up only; the runtime runs until Drain.
func Start(ctx context.Context, f *flow.Flow, opts ...Option) (*Runtime, error) {
	p, err := engine.Compile[*flow.Flow, *flow.Context](f)
	if err != nil {
		return nil, err
	}
	cfg := defaults()
	for _, o := range opts {
		o.apply(&cfg)
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	rt := &Runtime{
		cfg: cfg, prog: p, ctx: rctx, cancel: cancel,
		led:        newLedger(cfg.maxInFlight, cfg.deadLetterCap),
		ev:         newEvents(cfg.eventCap),
		retry:      newRetrier(),
		results:    make(chan flow.Result, cfg.maxInFlight),
		closing:    make(chan struct{}),
		replayStop: make(chan struct{}),
		shut:       make(chan struct{}),
		started:    time.Now(),
		retryLog:   map[string]retryNote{},
	}
	logger := slog.New(discard{})
	rt.system = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return logger }))
	if err := rt.spawn(ctx); err != nil {
		rt.shutdown(ctx)
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
		if n.Op == engine.OpCall {
			count = n.Config.Concurrency
		}
		for k := range count {
			in := &instance{rt: rt, node: i, index: k, name: n.Name, plain: n.Plain()}
			if count > 1 {
				in.name = fmt.Sprintf("%s#%d", n.Name, k+1)
			}
			in.stats = &counters{}
			if n.Op == engine.OpCall {
				svc, err := rt.newService(ctx, i)
				if err != nil {
					return fmt.Errorf("actors: start %q: %w", in.name, err)
				}
				in.svc = svc
			}
			rt.instances[i] = append(rt.instances[i], in)
		}
	}
	rt.setupBatchers()
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

// program is a flow compiled for the engine that flow.Run drives too.
type program = engine.Program[*flow.Context]

// newService returns a started service for node i (see engine.Node.Start). A
// panic in the stage's factory or Start becomes a *flow.PanicError.
func (rt *Runtime) newService(ctx context.Context, i int) (engine.Service[*flow.Context], error) {
	return rt.prog.Start(ctx, i)
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
