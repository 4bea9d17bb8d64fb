package actors

// Pin tests for github.com/asynkron/protoactor-go v0.0.0-20240822202345-3c0e61ca19c9.
//
// Each test states one behaviour of THIS protoactor version that the runtime
// relies on (or must work around). If a protoactor upgrade changes one of
// them, the matching test fails and PROTOACTOR.md must be revisited.
// Line references ("actor_context.go:471") are into the pinned module source.

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/serviceflow/serviceflow/internal/testpoll"
)

// pinTimeout bounds every wait; all waits are on channels, never on sleeps.
const pinTimeout = 3 * time.Second

// pinSystem builds an actor system with a silent logger and a short dead-letter
// log throttle. The default throttle (1s, throttler.go:27) parks a goroutine
// for a full second after the first dead letter; 10ms keeps these tests clean
// for goleak. TestProtoactorPin_GoroutinesAfterShutdown pins that goroutine.
func pinSystem(opts ...actor.ConfigOption) *actor.ActorSystem {
	base := []actor.ConfigOption{
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
			return slog.New(slog.NewTextHandler(io.Discard, nil))
		}),
		actor.WithDeadLetterThrottleInterval(10 * time.Millisecond),
	}
	return actor.NewActorSystem(append(base, opts...)...)
}

// pinRecorder is a goroutine-safe, ordered log of what an actor received.
type pinRecorder struct {
	mu    sync.Mutex
	items []string
}

func (r *pinRecorder) add(v interface{}) {
	r.mu.Lock()
	r.items = append(r.items, pinDescribe(v))
	r.mu.Unlock()
}

func (r *pinRecorder) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.items)
}

func pinDescribe(v interface{}) string {
	switch m := v.(type) {
	case string:
		return m
	case *actor.Started:
		return "Started"
	case *actor.Restarting:
		return "Restarting"
	case *actor.Stopping:
		return "Stopping"
	case *actor.Stopped:
		return "Stopped"
	case *actor.Terminated:
		return "Terminated"
	case *actor.PoisonPill:
		return "PoisonPill"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func pinWait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(pinTimeout):
		t.Fatalf("timed out after %v waiting for %s", pinTimeout, what)
	}
}

func pinRecvPID(t *testing.T, ch <-chan *actor.PID, what string) *actor.PID {
	t.Helper()
	select {
	case pid := <-ch:
		return pid
	case <-time.After(pinTimeout):
		t.Fatalf("timed out after %v waiting for %s", pinTimeout, what)
		return nil
	}
}

func pinExpect(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// pinPopProbe is a MailboxMiddleware: the mailbox calls MessageReceived for
// every message it pops, whether or not the actor's Receive was invoked
// (mailbox.go:167-172). Tests use it to know that queued messages were drained.
type pinPopProbe struct {
	mu      sync.Mutex
	popped  []string
	waiters map[string]chan struct{}
}

func newPinPopProbe() *pinPopProbe {
	return &pinPopProbe{waiters: map[string]chan struct{}{}}
}

func (p *pinPopProbe) MailboxStarted()           {}
func (p *pinPopProbe) MessagePosted(interface{}) {}
func (p *pinPopProbe) MailboxEmpty()             {}
func (p *pinPopProbe) MessageReceived(m interface{}) {
	s, ok := m.(string)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.popped = append(p.popped, s)
	if ch, ok := p.waiters[s]; ok {
		close(ch)
		delete(p.waiters, s)
	}
}

// poppedCh returns a channel closed once the string message s has been popped.
func (p *pinPopProbe) poppedCh(s string) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := make(chan struct{})
	if slices.Contains(p.popped, s) {
		close(ch)
		return ch
	}
	p.waiters[s] = ch
	return ch
}

func (p *pinPopProbe) get() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.popped)
}

// pinSysProbeMailbox wraps a real mailbox and reports system messages after
// they are enqueued, so a test can release a blocked actor only once, e.g., a
// *actor.Stop is really in its system queue.
type pinSysProbeMailbox struct {
	actor.Mailbox
	onSystem func(msg interface{})
}

func (m *pinSysProbeMailbox) PostSystemMessage(msg interface{}) {
	m.Mailbox.PostSystemMessage(msg)
	m.onSystem(msg)
}

// pinDeadLetters records every *actor.DeadLetterEvent published on the system's EventStream.
func pinDeadLetters(sys *actor.ActorSystem) (*pinRecorder, func()) {
	rec := &pinRecorder{}
	sub := sys.EventStream.Subscribe(func(evt interface{}) {
		if dl, ok := evt.(*actor.DeadLetterEvent); ok {
			rec.add(dl.Message)
		}
	})
	return rec, func() { sys.EventStream.Unsubscribe(sub) }
}

// pinSupervisorEvents records "<child id>:<directive>" for every *actor.SupervisorEvent.
func pinSupervisorEvents(sys *actor.ActorSystem) (*pinRecorder, func()) {
	rec := &pinRecorder{}
	sub := sys.EventStream.Subscribe(func(evt interface{}) {
		if se, ok := evt.(*actor.SupervisorEvent); ok {
			rec.add(se.Child.Id + ":" + se.Directive.String())
		}
	})
	return rec, func() { sys.EventStream.Unsubscribe(sub) }
}

type pinBoom struct{ n int }

func (b pinBoom) Error() string { return fmt.Sprintf("boom %d", b.n) }

type pinFailure struct {
	child   *actor.PID
	reason  interface{}
	message interface{}
}

// pinRecordingStrategy records what HandleFailure is given, then restarts the child.
type pinRecordingStrategy struct {
	failures chan pinFailure
}

func (s *pinRecordingStrategy) HandleFailure(_ *actor.ActorSystem, sup actor.Supervisor, child *actor.PID, _ *actor.RestartStatistics, reason interface{}, message interface{}) {
	s.failures <- pinFailure{child: child, reason: reason, message: message}
	sup.RestartChildren(child)
}

// Behaviour 1: a panic in Receive restarts the actor (it gets *Restarting,
// then *Started again on a fresh instance) but the message being handled is
// NOT redelivered: the mailbox popped it before invoking (mailbox.go:167-169)
// and recover only escalates it (mailbox.go:130-134). The parent's supervisor
// strategy receives that message as HandleFailure's `message` argument: the
// raw value for a plain Send, the *actor.MessageEnvelope when the message was
// sent with a sender (actor_context.go:722).
func TestProtoactorPin_PanicRestartsWithoutRedelivery(t *testing.T) {
	sys := pinSystem()
	defer sys.Shutdown()

	strategy := &pinRecordingStrategy{failures: make(chan pinFailure, 8)}
	events := &pinRecorder{}
	got := make(chan struct{}, 64)
	incarnations := 0
	var incMu sync.Mutex
	childProps := actor.PropsFromProducer(func() actor.Actor {
		incMu.Lock()
		incarnations++
		incMu.Unlock()
		return actor.ReceiveFunc(func(ctx actor.Context) {
			msg := ctx.Message()
			events.add(msg)
			if s, ok := msg.(string); ok {
				if strings.HasPrefix(s, "boom") {
					panic(pinBoom{n: len(s)})
				}
				got <- struct{}{}
			}
		})
	})
	childPID := make(chan *actor.PID, 1)
	parent := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*actor.Started); ok {
			childPID <- ctx.Spawn(childProps)
		}
	}, actor.WithSupervisor(strategy)))
	child := pinRecvPID(t, childPID, "child spawn")

	sys.Root.Send(child, "m1")
	sys.Root.Send(child, "boom")
	sys.Root.Send(child, "m2")

	var f pinFailure
	select {
	case f = <-strategy.failures:
	case <-time.After(pinTimeout):
		t.Fatal("HandleFailure was not called")
	}
	if f.message != "boom" {
		t.Fatalf("HandleFailure message = %#v, want the raw failing message \"boom\"", f.message)
	}
	if f.reason != (pinBoom{n: 4}) {
		t.Fatalf("HandleFailure reason = %#v, want the recovered panic value", f.reason)
	}
	if !f.child.Equal(child) {
		t.Fatalf("HandleFailure child = %v, want %v", f.child, child)
	}
	for i := 0; i < 2; i++ { // m1, m2
		pinWait(t, chanOf(got), "m1/m2")
	}
	// A marker sent after m2 was handled: a redelivered "boom", whether
	// re-queued at the front or the back, would show up before it.
	sys.Root.Send(child, "m3")
	pinWait(t, chanOf(got), "m3")
	pinExpect(t, "child receive sequence", events.get(),
		[]string{"Started", "m1", "boom", "Restarting", "Started", "m2", "m3"})
	incMu.Lock()
	if incarnations != 2 {
		t.Fatalf("producer called %d times, want 2 (a restart builds a new actor instance)", incarnations)
	}
	incMu.Unlock()

	// With a sender (Request-style), the strategy sees the envelope, not the payload.
	sys.Root.RequestWithCustomSender(child, "boom-with-sender", parent)
	select {
	case f = <-strategy.failures:
	case <-time.After(pinTimeout):
		t.Fatal("HandleFailure was not called for the enveloped message")
	}
	env, ok := f.message.(*actor.MessageEnvelope)
	if !ok || env.Message != "boom-with-sender" || !env.Sender.Equal(parent) {
		t.Fatalf("HandleFailure message = %#v, want *actor.MessageEnvelope{Message: \"boom-with-sender\", Sender: parent}", f.message)
	}
	if actor.UnwrapEnvelopeMessage(f.message) != "boom-with-sender" {
		t.Fatal("actor.UnwrapEnvelopeMessage does not unwrap the failing message")
	}
	sys.Root.Send(child, "m4")
	pinWait(t, chanOf(got), "m4")
	pinExpect(t, "child receive sequence after 2nd failure", events.get(),
		[]string{"Started", "m1", "boom", "Restarting", "Started", "m2", "m3",
			"boom-with-sender", "Restarting", "Started", "m4"})

	if err := sys.Root.StopFuture(parent).Wait(); err != nil {
		t.Fatalf("stopping parent: %v", err)
	}
}

// chanOf adapts a buffered "tick" channel for pinWait.
func chanOf(ch chan struct{}) <-chan struct{} { return ch }

// pinVictim spawns (via spawn) an actor that blocks inside its "block" message
// until gate is closed, records everything its Receive sees, and whose mailbox
// reports popped messages to a pinPopProbe and enqueued system messages to onSys.
type pinVictim struct {
	events  *pinRecorder
	probe   *pinPopProbe
	entered chan struct{}
	gate    chan struct{}
	props   *actor.Props
}

func newPinVictim(onSys func(interface{})) *pinVictim {
	v := &pinVictim{
		events:  &pinRecorder{},
		probe:   newPinPopProbe(),
		entered: make(chan struct{}),
		gate:    make(chan struct{}),
	}
	if onSys == nil {
		onSys = func(interface{}) {}
	}
	v.props = actor.PropsFromFunc(func(ctx actor.Context) {
		msg := ctx.Message()
		v.events.add(msg)
		if msg == "block" {
			close(v.entered)
			<-v.gate
		}
	}, actor.WithMailbox(func() actor.Mailbox {
		return &pinSysProbeMailbox{Mailbox: actor.Unbounded(v.probe)(), onSystem: onSys}
	}))
	return v
}

// Behaviour 2: stopping an actor whose mailbox still holds user messages
// silently discards them. Stop/ctx.Stop enqueue a *Stop system message
// (actor_process.go:28-31); system messages run before the next user message
// (mailbox.go:145-160); finalizeStop marks the context stopped
// (actor_context.go:682-699) and the mailbox then pops the remaining user
// messages and drops them in InvokeUserMessage (actor_context.go:471-474).
// They are NOT published as *actor.DeadLetterEvent. A PoisonPill is an
// ordinary user message: messages queued BEFORE it are delivered, messages
// AFTER it are discarded the same way (actor_context.go:351-352). Only sends
// made after the actor left the registry become dead letters.
func TestProtoactorPin_StopDiscardsQueuedMessagesWithoutDeadLetters(t *testing.T) {
	cases := []struct {
		name string
		// before is sent (queued) before the stop is requested, after is sent
		// after the stop was requested but while the actor is still blocked.
		before, after []string
		stop          func(t *testing.T, sys *actor.ActorSystem, pid *actor.PID, stopByParent chan<- *actor.PID)
		wantEvents    []string
	}{
		{
			name:       "RootContext.Stop",
			before:     []string{"q1", "q2"},
			after:      []string{"q3"},
			stop:       func(_ *testing.T, sys *actor.ActorSystem, pid *actor.PID, _ chan<- *actor.PID) { sys.Root.Stop(pid) },
			wantEvents: []string{"Started", "block", "Stopping", "Stopped"},
		},
		{
			name:   "Context.Stop by parent",
			before: []string{"q1", "q2"},
			after:  []string{"q3"},
			stop: func(_ *testing.T, _ *actor.ActorSystem, pid *actor.PID, stopByParent chan<- *actor.PID) {
				stopByParent <- pid
			},
			wantEvents: []string{"Started", "block", "Stopping", "Stopped"},
		},
		{
			name:       "PoisonPill",
			before:     []string{"q1", "q2"},
			after:      []string{"q3"},
			stop:       func(_ *testing.T, sys *actor.ActorSystem, pid *actor.PID, _ chan<- *actor.PID) { sys.Root.Poison(pid) },
			wantEvents: []string{"Started", "block", "q1", "q2", "Stopping", "Stopped"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sys := pinSystem()
			defer sys.Shutdown()
			deadLetters, unsub := pinDeadLetters(sys)
			defer unsub()

			stopPosted := make(chan struct{})
			var once sync.Once
			v := newPinVictim(func(msg interface{}) {
				if _, ok := msg.(*actor.Stop); ok {
					once.Do(func() { close(stopPosted) })
				}
			})

			// The parent is used by the ctx.Stop case; harmless otherwise.
			stopReq := make(chan *actor.PID, 1)
			childPID := make(chan *actor.PID, 1)
			parentEvents := &pinRecorder{}
			parentSawTerminated := make(chan struct{})
			parent := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
				parentEvents.add(ctx.Message())
				switch m := ctx.Message().(type) {
				case *actor.Started:
					childPID <- ctx.Spawn(v.props)
				case string:
					if m == "stop-child" {
						ctx.Stop(<-stopReq)
					}
				case *actor.Terminated:
					close(parentSawTerminated)
				}
			}))
			pid := pinRecvPID(t, childPID, "victim spawn")

			sys.Root.Send(pid, "block")
			pinWait(t, v.entered, "victim to enter Receive(block)")
			for _, m := range tc.before {
				sys.Root.Send(pid, m)
			}
			tc.stop(t, sys, pid, stopReq)
			if tc.name == "Context.Stop by parent" {
				sys.Root.Send(parent, "stop-child")
				pinWait(t, stopPosted, "parent's ctx.Stop to enqueue *actor.Stop")
			} else if tc.name == "RootContext.Stop" {
				pinWait(t, stopPosted, "*actor.Stop enqueued") // synchronous, already done
			}
			for _, m := range tc.after {
				sys.Root.Send(pid, m) // still registered: these are queued, not dead-lettered
			}
			close(v.gate)

			last := tc.after[len(tc.after)-1]
			pinWait(t, v.probe.poppedCh(last), "mailbox to drain "+last)
			pinWait(t, parentSawTerminated, "parent to get *actor.Terminated")

			pinExpect(t, "victim receive sequence", v.events.get(), tc.wantEvents)
			wantPopped := append(append([]string{"block"}, tc.before...), tc.after...)
			pinExpect(t, "messages popped from the mailbox", v.probe.get(), wantPopped)
			if dl := deadLetters.get(); len(dl) != 0 {
				t.Fatalf("queued messages produced dead letters %q; pinned behaviour is silent discard", dl)
			}

			// Control: the dead-letter subscription works; a send after
			// finalizeStop (registry removal) IS a dead letter, published
			// synchronously in Send (process_registry.go:97, deadletter.go:76).
			sys.Root.Send(pid, "after-stop")
			pinExpect(t, "dead letters after the actor is gone", deadLetters.get(), []string{"after-stop"})

			if err := sys.Root.StopFuture(parent).Wait(); err != nil {
				t.Fatalf("stopping parent: %v", err)
			}
		})
	}
}

// Behaviour 3: restarting a parent stops all its children first
// (handleRestart -> stopAllChildren, actor_context.go:593-597,643-652); the
// parent gets *Restarting, then *Terminated for each child, and only then
// *Started on its new instance (actor_context.go:622-630,669-680). Messages
// queued in a child's mailbox are discarded (not received, not dead letters).
// The message that made the parent fail is not redelivered to it either.
func TestProtoactorPin_ParentRestartStopsChildrenAndLosesTheirQueue(t *testing.T) {
	sys := pinSystem()
	defer sys.Shutdown()
	deadLetters, unsub := pinDeadLetters(sys)
	defer unsub()
	supEvents, unsubSup := pinSupervisorEvents(sys)
	defer unsubSup()

	stopPosted := make(chan struct{})
	var once sync.Once
	v := newPinVictim(func(msg interface{}) {
		if _, ok := msg.(*actor.Stop); ok {
			once.Do(func() { close(stopPosted) })
		}
	})
	childPIDs := make(chan *actor.PID, 4)
	parentEvents := &pinRecorder{}
	first := true
	parent := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		parentEvents.add(ctx.Message())
		switch m := ctx.Message().(type) {
		case *actor.Started:
			if first {
				first = false
				childPIDs <- ctx.Spawn(v.props)
			} else {
				// the new incarnation spawns a plain, fresh child
				childPIDs <- ctx.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
			}
		case string:
			if m == "boom" {
				panic(pinBoom{n: 1})
			}
		}
	}))
	oldChild := pinRecvPID(t, childPIDs, "first child")

	sys.Root.Send(oldChild, "block")
	pinWait(t, v.entered, "child to block")
	for _, m := range []string{"q1", "q2", "q3"} {
		sys.Root.Send(oldChild, m)
	}
	sys.Root.Send(parent, "boom") // root-level actor: DefaultSupervisorStrategy restarts it
	pinWait(t, stopPosted, "parent restart to enqueue *actor.Stop to the child")
	close(v.gate)

	newChild := pinRecvPID(t, childPIDs, "child of the restarted parent")
	pinWait(t, v.probe.poppedCh("q3"), "old child's mailbox to drain")

	if newChild.Equal(oldChild) {
		t.Fatal("restarted parent reused the old child's PID")
	}
	pinExpect(t, "old child receive sequence", v.events.get(),
		[]string{"Started", "block", "Stopping", "Stopped"})
	pinExpect(t, "old child popped (and discarded) messages", v.probe.get(),
		[]string{"block", "q1", "q2", "q3"})
	pinExpect(t, "parent receive sequence", parentEvents.get(),
		[]string{"Started", "boom", "Restarting", "Terminated", "Started"})
	if dl := deadLetters.get(); len(dl) != 0 {
		t.Fatalf("child's queued messages became dead letters %q; pinned: silent discard", dl)
	}
	pinExpect(t, "supervisor events", supEvents.get(), []string{parent.Id + ":RestartDirective"})

	if err := sys.Root.StopFuture(parent).Wait(); err != nil {
		t.Fatalf("stopping parent: %v", err)
	}
}

// Behaviour 4: actor.DefaultSupervisorStrategy() is
// NewOneForOneStrategy(10, 10*time.Second, DefaultDecider) (supervision.go:38)
// and DefaultDecider always says Restart (supervision.go:33-35). shouldStop
// counts the failure first and stops when the count within the window is
// > 10 (strategy_one_for_one.go:54-67): failures 1..10 restart the child, the
// 11th stops it. The stop is NOT escalated: the parent keeps running and only
// sees *Terminated. The restart statistics survive restarts (kept in the
// child's context extras, actor_context.go:45-53).
func TestProtoactorPin_DefaultStrategyStopsChildOnEleventhFailure(t *testing.T) {
	s := actor.DefaultSupervisorStrategy()
	if got := fmt.Sprintf("%T", s); got != "*actor.oneForOneStrategy" {
		t.Fatalf("DefaultSupervisorStrategy type = %s, want *actor.oneForOneStrategy", got)
	}
	sv := reflect.ValueOf(s).Elem()
	if n := sv.FieldByName("maxNrOfRetries").Int(); n != 10 {
		t.Fatalf("default maxNrOfRetries = %d, want 10", n)
	}
	if d := time.Duration(sv.FieldByName("withinDuration").Int()); d != 10*time.Second {
		t.Fatalf("default withinDuration = %v, want 10s", d)
	}
	if actor.DefaultDecider(pinBoom{}) != actor.RestartDirective {
		t.Fatal("DefaultDecider no longer returns RestartDirective")
	}
	if actor.DefaultSupervisorStrategy() != s {
		t.Fatal("DefaultSupervisorStrategy() no longer returns a shared singleton")
	}

	sys := pinSystem()
	defer sys.Shutdown()
	supEvents, unsub := pinSupervisorEvents(sys)
	defer unsub()

	childEvents := &pinRecorder{}
	pong := make(chan struct{}, 1)
	childProps := actor.PropsFromFunc(func(ctx actor.Context) {
		childEvents.add(ctx.Message())
		switch ctx.Message() {
		case "boom":
			panic(pinBoom{n: 1})
		case "ping":
			pong <- struct{}{}
		}
	})
	childPID := make(chan *actor.PID, 1)
	parentEvents := &pinRecorder{}
	terminated := make(chan struct{})
	parent := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		parentEvents.add(ctx.Message())
		switch ctx.Message().(type) {
		case *actor.Started:
			childPID <- ctx.Spawn(childProps) // parent props: no WithSupervisor => default strategy
		case *actor.Terminated:
			close(terminated)
		}
	}))
	child := pinRecvPID(t, childPID, "child spawn")

	for i := 0; i < 10; i++ {
		sys.Root.Send(child, "boom")
	}
	sys.Root.Send(child, "ping")
	pinWait(t, chanOf(pong), "child to answer after 10 failures")

	count := func(evts []string, what string) int {
		n := 0
		for _, e := range evts {
			if e == what {
				n++
			}
		}
		return n
	}
	evts := childEvents.get()
	if count(evts, "Restarting") != 10 || count(evts, "Started") != 11 || count(evts, "boom") != 10 {
		t.Fatalf("after 10 failures: child events %q; want 10 Restarting, 11 Started, 10 boom", evts)
	}
	select {
	case <-terminated:
		t.Fatal("child was stopped after only 10 failures")
	default:
	}

	sys.Root.Send(child, "boom") // the 11th failure within 10s
	pinWait(t, terminated, "parent to see the child Terminated after the 11th failure")

	evts = childEvents.get()
	if count(evts, "Restarting") != 10 || count(evts, "boom") != 11 {
		t.Fatalf("child events %q; want 10 Restarting and 11 boom", evts)
	}
	if tail := evts[len(evts)-3:]; !slices.Equal(tail, []string{"boom", "Stopping", "Stopped"}) {
		t.Fatalf("child event tail %q, want [boom Stopping Stopped]", tail)
	}
	pinExpect(t, "parent events (no escalation, no restart)", parentEvents.get(),
		[]string{"Started", "Terminated"})
	want := make([]string, 0, 11)
	for i := 0; i < 10; i++ {
		want = append(want, child.Id+":RestartDirective")
	}
	want = append(want, child.Id+":StopDirective")
	pinExpect(t, "supervisor events", supEvents.get(), want)

	// The parent is alive and was not restarted.
	if err := sys.Root.StopFuture(parent).Wait(); err != nil {
		t.Fatalf("stopping parent: %v", err)
	}
}

// pinFakeSupervisor lets HandleFailure be driven directly.
type pinFakeSupervisor struct {
	restarted chan time.Time
}

func (s *pinFakeSupervisor) Children() []*actor.PID                   { return nil }
func (s *pinFakeSupervisor) EscalateFailure(interface{}, interface{}) { panic("unexpected escalate") }
func (s *pinFakeSupervisor) StopChildren(...*actor.PID)               { panic("unexpected stop") }
func (s *pinFakeSupervisor) ResumeChildren(...*actor.PID)             { panic("unexpected resume") }
func (s *pinFakeSupervisor) RestartChildren(pids ...*actor.PID) {
	s.restarted <- time.Now()
}

// Behaviour 5: NewExponentialBackoffStrategy is LINEAR, not exponential
// (strategy_exponential_backoff.go:26-36):
//
//	failures = rs count (reset to 0 first if none within backoffWindow), +1
//	delay    = failures * initialBackoff + rand.Intn(500) NANOseconds
//
// and then restarts the child via time.AfterFunc, with no retry limit, no
// cap, and it ignores the decider/message. Observable here: the count
// update, the delay lower bound (AfterFunc never fires early), linear (not
// 2^n) growth, and that the SupervisorEvent is published when the timer
// fires. The sub-microsecond jitter is unobservable, so the source text is
// checked as well.
func TestProtoactorPin_ExponentialBackoffIsLinearWithNanosecondJitter(t *testing.T) {
	sys := pinSystem()
	defer sys.Shutdown()
	supEvents, unsub := pinSupervisorEvents(sys)
	defer unsub()
	child := sys.NewLocalPID("backoff-child")
	sup := &pinFakeSupervisor{restarted: make(chan time.Time, 4)}
	waitRestart := func(what string) time.Time {
		t.Helper()
		select {
		case at := <-sup.restarted:
			return at
		case <-time.After(pinTimeout):
			t.Fatalf("timed out waiting for restart (%s)", what)
			return time.Time{}
		}
	}

	// First failure: count 1, delay >= 1*initialBackoff. Nothing is restarted
	// nor published synchronously.
	const initial = 20 * time.Millisecond
	strat := actor.NewExponentialBackoffStrategy(10*time.Second, initial)
	rs := actor.NewRestartStatistics()
	start := time.Now()
	strat.HandleFailure(sys, sup, child, rs, "reason-1", "ignored-message")
	if rs.FailureCount() != 1 {
		t.Fatalf("FailureCount after first failure = %d, want 1", rs.FailureCount())
	}
	if n := len(supEvents.get()); n != 0 {
		t.Fatalf("SupervisorEvent published before the backoff elapsed (%d events)", n)
	}
	if d := waitRestart("first failure").Sub(start); d < initial {
		t.Fatalf("first restart after %v, want >= %v", d, initial)
	}
	pinExpect(t, "supervisor events", supEvents.get(), []string{child.Id + ":RestartDirective"})

	// Tenth failure in the window: linear 10*5ms = 50ms; an exponential
	// 5ms*2^9 would be 2.56s. Lower bound exact, upper bound generous.
	const small = 5 * time.Millisecond
	strat = actor.NewExponentialBackoffStrategy(10*time.Second, small)
	rs = actor.NewRestartStatistics()
	for i := 0; i < 9; i++ {
		rs.Fail()
	}
	start = time.Now()
	strat.HandleFailure(sys, sup, child, rs, "reason-10", nil)
	if rs.FailureCount() != 10 {
		t.Fatalf("FailureCount = %d, want 10", rs.FailureCount())
	}
	d := waitRestart("tenth failure").Sub(start)
	if d < 10*small {
		t.Fatalf("10th restart after %v, want >= 10*initialBackoff = %v", d, 10*small)
	}
	if d >= 2*time.Second {
		t.Fatalf("10th restart after %v: growth looks exponential, pinned formula is linear (%v)", d, 10*small)
	}

	// No failure inside backoffWindow => the count is reset before counting.
	strat = actor.NewExponentialBackoffStrategy(time.Microsecond, time.Millisecond)
	rs = actor.NewRestartStatistics()
	for i := 0; i < 5; i++ {
		rs.Fail()
	}
	old := time.Now()
	for time.Since(old) < 10*time.Microsecond { // let the 5 failures age out of the 1µs window
		runtime.Gosched()
	}
	strat.HandleFailure(sys, sup, child, rs, "reason-reset", nil)
	if rs.FailureCount() != 1 {
		t.Fatalf("FailureCount after window expiry = %d, want 1 (reset then +1)", rs.FailureCount())
	}
	waitRestart("after reset")

	// The jitter (rand.Intn(500) ns) is below timer resolution: pin the source.
	src := pinModuleSource(t, actor.NewExponentialBackoffStrategy, "strategy_exponential_backoff.go")
	for _, line := range []string{
		"backoff := rs.FailureCount() * int(strategy.initialBackoff.Nanoseconds())",
		"noise := rand.Intn(500)",
		"dur := time.Duration(backoff + noise)",
		"time.AfterFunc(dur, func() {",
	} {
		if !strings.Contains(src, line) {
			t.Errorf("strategy_exponential_backoff.go no longer contains %q", line)
		}
	}
}

// pinModuleSource reads a source file of the protoactor actor package that is
// actually compiled into this test binary: the directory comes from the
// function's debug info, resolved against `go env GOMODCACHE` if trimmed.
func pinModuleSource(t *testing.T, fn interface{}, file string) string {
	t.Helper()
	pcFile, _ := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).FileLine(reflect.ValueOf(fn).Pointer())
	dir := filepath.Dir(pcFile)
	if !filepath.IsAbs(dir) { // built with -trimpath
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			t.Fatalf("go env GOMODCACHE: %v", err)
		}
		dir = filepath.Join(strings.TrimSpace(string(out)), filepath.FromSlash(dir))
	}
	if !strings.Contains(filepath.ToSlash(dir), "github.com/asynkron/protoactor-go@") {
		t.Fatalf("actor package source dir %q is not a protoactor-go module dir", dir)
	}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatalf("reading protoactor source: %v", err)
	}
	return string(b)
}

// Behaviour 6a: the default mailbox (Unbounded, props.go:25) delivers the
// messages of one sender in send order.
func TestProtoactorPin_DefaultMailboxPreservesPerSenderOrder(t *testing.T) {
	sys := pinSystem()
	defer sys.Shutdown()
	const n = 20000
	done := make(chan struct{})
	var bad []string
	next := 0
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if i, ok := ctx.Message().(int); ok {
			if i != next && len(bad) < 5 {
				bad = append(bad, fmt.Sprintf("got %d want %d", i, next))
			}
			next = i + 1
			if i == n-1 {
				close(done)
			}
		}
	}))
	for i := 0; i < n; i++ {
		sys.Root.Send(pid, i)
	}
	pinWait(t, done, "all messages")
	if len(bad) != 0 {
		t.Fatalf("out of order delivery: %v", bad)
	}
	if err := sys.Root.StopFuture(pid).Wait(); err != nil {
		t.Fatal(err)
	}
}

// Behaviour 6b: actor.Bounded(n) rounds n up to a power of two (Workiva
// RingBuffer) and, when full, BLOCKS the sender (RingBuffer.Put spins with
// runtime.Gosched until space frees; bounded.go:397-405). Nothing is dropped
// and order is kept. Mailbox.UserMessageCount() is the queue depth.
func TestProtoactorPin_BoundedMailboxBlocksSenderWhenFull(t *testing.T) {
	sys := pinSystem()
	defer sys.Shutdown()
	mbox := make(chan actor.Mailbox, 1)
	entered := make(chan struct{})
	gate := make(chan struct{})
	events := &pinRecorder{}
	allDone := make(chan struct{})
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case int:
			events.add(fmt.Sprint(m))
			if m == 0 {
				close(entered)
				<-gate
			}
			if m == 5 {
				close(allDone)
			}
		}
	}, actor.WithMailbox(func() actor.Mailbox {
		mb := actor.Bounded(3)() // capacity rounds up to 4
		mbox <- mb
		return mb
	})))
	mb := <-mbox

	sys.Root.Send(pid, 0)
	pinWait(t, entered, "actor to block on message 0")
	for i := 1; i <= 4; i++ {
		sys.Root.Send(pid, i) // fits: capacity is 4, not 3
	}
	if got := mb.UserMessageCount(); got != 4 {
		t.Fatalf("UserMessageCount = %d, want 4", got)
	}
	sent := make(chan struct{})
	go func() {
		sys.Root.Send(pid, 5)
		close(sent)
	}()
	select {
	case <-sent:
		t.Fatal("Send into a full Bounded mailbox returned; pinned behaviour is that it blocks")
	case <-time.After(100 * time.Millisecond):
	}
	if got := mb.UserMessageCount(); got != 4 {
		t.Fatalf("UserMessageCount while the 5th send is blocked = %d, want 4", got)
	}
	close(gate)
	pinWait(t, sent, "blocked Send to return once the actor drains")
	pinWait(t, allDone, "message 5")
	pinExpect(t, "bounded mailbox delivery", events.get(), []string{"0", "1", "2", "3", "4", "5"})
	if err := sys.Root.StopFuture(pid).Wait(); err != nil {
		t.Fatal(err)
	}
}

// pinManualDispatcher never runs the mailbox by itself; the test calls run().
type pinManualDispatcher struct{ scheduled chan func() }

func (d *pinManualDispatcher) Schedule(fn func()) { d.scheduled <- fn }
func (d *pinManualDispatcher) Throughput() int    { return 300 }

type pinInvoker struct {
	got     []interface{}
	onUser  func(interface{})
	failure interface{}
}

func (i *pinInvoker) InvokeSystemMessage(interface{}) {}
func (i *pinInvoker) InvokeUserMessage(m interface{}) {
	i.got = append(i.got, m)
	if i.onUser != nil {
		i.onUser(m)
	}
}
func (i *pinInvoker) EscalateFailure(reason interface{}, _ interface{}) { i.failure = reason }

// Behaviour 6c: actor.BoundedDropping(n) drops the OLDEST message once the
// ring holds cap-1 messages (bounded.go:397-402), so it keeps at most cap-1
// (here 3 of a rounded-up 4), and dropped messages are NOT dead letters.
// Its user-message counter still counts dropped messages (mailbox.go:78-79),
// so UserMessageCount over-reports forever. With a real dispatcher that stale
// count makes processMessages loop without end (mailbox.go:109-117): a
// busy-spinning goroutine. This test drives the mailbox by hand and suspends
// it to observe the drift without starting that spin.
func TestProtoactorPin_BoundedDroppingDropsOldestAndMiscounts(t *testing.T) {
	mb := actor.BoundedDropping(4)()
	disp := &pinManualDispatcher{scheduled: make(chan func(), 1)}
	inv := &pinInvoker{}
	inv.onUser = func(m interface{}) {
		if m == 9 { // last survivor: suspend so processMessages stops looping
			mb.PostSystemMessage(&actor.SuspendMailbox{})
		}
	}
	mb.RegisterHandlers(inv, disp)
	for i := 1; i <= 9; i++ {
		mb.PostUserMessage(i)
	}
	if got := mb.UserMessageCount(); got != 9 {
		t.Fatalf("UserMessageCount after 9 posts = %d, want 9 (counts dropped ones too)", got)
	}
	var run func()
	select {
	case run = <-disp.scheduled:
	default:
		t.Fatal("mailbox did not schedule itself")
	}
	run()
	if !reflect.DeepEqual(inv.got, []interface{}{7, 8, 9}) {
		t.Fatalf("BoundedDropping(4) delivered %v, want [7 8 9] (oldest dropped, cap-1 kept)", inv.got)
	}
	if got := mb.UserMessageCount(); got != 6 {
		t.Fatalf("UserMessageCount after draining = %d, want 6 (stale: the 6 dropped messages)", got)
	}
	if inv.failure != nil {
		t.Fatalf("unexpected failure %v", inv.failure)
	}
}

// Behaviour: ActorSystem.Shutdown only closes a channel (actor_system.go:56):
// it does not stop actors, drain mailboxes or deregister anything. Actors keep
// processing after Shutdown; the runtime must stop them itself.
func TestProtoactorPin_ShutdownDoesNotStopActors(t *testing.T) {
	sys := pinSystem()
	got := make(chan struct{}, 1)
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if ctx.Message() == "ping" {
			got <- struct{}{}
		}
	}))
	sys.Shutdown()
	if !sys.IsStopped() {
		t.Fatal("IsStopped() = false after Shutdown")
	}
	sys.Root.Send(pid, "ping")
	pinWait(t, chanOf(got), "actor to still process a message after Shutdown")
	if _, ok := sys.ProcessRegistry.Get(pid); !ok {
		t.Fatal("actor was deregistered by Shutdown")
	}
	if err := sys.Root.StopFuture(pid).Wait(); err != nil {
		t.Fatal(err)
	}
}

// pinThrottleTopFunctions are the top-of-stack names of protoactor's
// dead-letter throttle goroutine: the first with the default build (the
// closure is inlined into NewDeadLetter), the second with -gcflags=all=-l.
var pinThrottleTopFunctions = []string{
	"github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1",
	"github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1",
}

// pinThrottleGoroutines counts goroutines running a protoactor throttle
// closure (in any frame) and returns the top-function names of those parked
// in a channel receive, i.e. the names goleak would report.
func pinThrottleGoroutines() (int, []string) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	isThrottle := func(frame string) bool {
		return strings.HasPrefix(frame, "github.com/asynkron/protoactor-go/actor.") && strings.Contains(frame, "NewThrottle.func")
	}
	count := 0
	var parkedTops []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		lines := strings.Split(g, "\n")
		if len(lines) < 2 {
			continue
		}
		found := false
		for _, l := range lines[1:] {
			if isThrottle(l) { // frame lines start at column 0; "created by" and file lines do not match
				found = true
				break
			}
		}
		if !found {
			continue
		}
		count++
		top, _, _ := strings.Cut(lines[1], "(")
		if strings.Contains(lines[0], "[chan receive") && isThrottle(top) && !slices.Contains(parkedTops, top) {
			parkedTops = append(parkedTops, top)
		}
	}
	return count, parkedTops
}

// Goroutines after Shutdown: an idle actor owns no goroutine (the dispatcher
// starts one per mailbox run, dispatcher.go:13). The one protoactor goroutine
// that outlives Shutdown is the dead-letter log throttle: the first logged
// DeadLetterEvent in a throttle period starts a goroutine that waits
// Config.DeadLetterThrottleInterval (default 1s, config.go:32) on a ticker
// (throttler.go:26-39, deadletter.go:30-49). Parked, its top function is one
// of pinThrottleTopFunctions (goleak.IgnoreTopFunction needs the exact name);
// it exits on its own after the interval.
func TestProtoactorPin_GoroutinesAfterShutdown(t *testing.T) {
	baseline, _ := pinThrottleGoroutines()
	// The default interval (1s): long enough that the goroutine is certainly
	// still there when we look, even on a loaded CI machine.
	sys := pinSystem(actor.WithDeadLetterThrottleInterval(time.Second))
	start := time.Now()
	sys.Root.Send(sys.NewLocalPID("nobody"), "to-nobody") // dead letter, synchronous
	sys.Shutdown()
	if got, _ := pinThrottleGoroutines(); got < baseline+1 {
		t.Fatalf("expected a dead-letter throttle goroutine alive after Shutdown; count %d, baseline %d (looked after %v)",
			got, baseline, time.Since(start))
	}
	tops := testpoll.Value(t, "the throttle goroutine parks on its ticker", func() []string {
		_, tops := pinThrottleGoroutines()
		return tops
	}, func(tops []string) bool { return len(tops) > 0 })
	for _, n := range tops {
		if !slices.Contains(pinThrottleTopFunctions, n) {
			t.Fatalf("throttle goroutine top function is now %q; update pinThrottleTopFunctions and PROTOACTOR.md's goleak ignores", n)
		}
	}
	testpoll.Until(t, "the throttle goroutine exits on its own", func() bool {
		n, _ := pinThrottleGoroutines()
		return n <= baseline
	})
}

// Behaviour 7 (measured, not asserted): throughput of a 5-actor Send chain.
// Run: go test ./actors -run '^$' -bench ProtoactorPin -benchtime 200000x
func BenchmarkProtoactorPin_SendChain5(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts []actor.PropsOption
	}{
		{"default", nil},
		{"throughput10", []actor.PropsOption{actor.WithDispatcher(actor.NewDefaultDispatcher(10))}},
		{"throughput1000", []actor.PropsOption{actor.WithDispatcher(actor.NewDefaultDispatcher(1000))}},
		{"lockfree", []actor.PropsOption{actor.WithMailbox(actor.UnboundedLockfree())}},
		{"bounded1024", []actor.PropsOption{actor.WithMailbox(actor.Bounded(1024))}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sys := pinSystem()
			defer sys.Shutdown()
			done := make(chan struct{})
			n := b.N
			count := 0
			next := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
				if _, ok := ctx.Message().(int); ok {
					count++
					if count == n {
						close(done)
					}
				}
			}, bc.opts...))
			pids := []*actor.PID{next}
			for i := 0; i < 4; i++ {
				to := next
				next = sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
					if m, ok := ctx.Message().(int); ok {
						ctx.Send(to, m)
					}
				}, bc.opts...))
				pids = append(pids, next)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < n; i++ {
				sys.Root.Send(next, i)
			}
			<-done
			b.StopTimer()
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
			for _, p := range pids {
				_ = sys.Root.StopFuture(p).Wait()
			}
		})
	}
}
