package actors

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// Drain stops intake, waits for the inputs in flight to finish, then stops
// the actors and services and closes Results. When ctx ends first, inputs
// still in flight are reported Failed (matching ErrDrainTimeout), services
// see their context cancelled, and Drain returns by then, without waiting
// for calls that ignore their context: the actors and services still busy
// are stopped in the background when those calls return. Results must be
// read meanwhile (see Results). Drain returns the flow's escalation error,
// if any, or the drain timeout; calling it again returns the same.
func (rt *Runtime) Drain(ctx context.Context) error {
	rt.drainOnce.Do(func() { rt.drainErr = rt.drain(ctx) })
	return rt.drainErr
}

func (rt *Runtime) drain(ctx context.Context) error {
	rt.draining.Store(true)
	close(rt.closing)
	_ = rt.Resume(ctx)
	rt.ev.add(snapshot.EventDrain, "", 0, "draining")
	rt.admitting.Lock() // Submits in progress have returned (blocked ones were woken by closing)
	rt.admitting.Unlock()
	rt.awaitReplays(ctx)

	// Every slot back on the free list means every input's result was sent:
	// a slot is released only after its result.
	var errs []error
	tick := time.NewTicker(time.Millisecond)
	for !rt.led.idle(rt.unreleased) {
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
	for !rt.led.idle(rt.unreleased) { // results claimed before the sweep, still being sent
		<-tick.C
	}
	tick.Stop()
	rt.cancel() // services still running see their context end
	rt.retry.close()
	rt.bg.Wait()
	// Every input is reported and none can be admitted: no result follows
	// (a result is sent only by whoever clears its input's slot).
	rt.led.settle(rt.unreleased)
	go func() {
		// Outlives Drain when its deadline passes before the actors stop: a
		// call that ignores its cancelled context holds its actor until it
		// returns, and only then can the actor, the services and the actor
		// system stop. Nothing else can be done with a goroutine stuck in
		// someone else's code; rt.shut says when it is over.
		rt.shutdown(context.WithoutCancel(ctx))
	}()
	select {
	case <-rt.shut:
	case <-ctx.Done():
		rt.cfg.logger.Warn("drain deadline passed before the actors stopped; calls still running are abandoned, and their actors and services stop when they return",
			"flow", rt.prog.Name)
	}
	close(rt.results)
	if err := rt.escalated(); err != nil {
		errs = append([]error{err}, errs...)
	}
	return errors.Join(errs...)
}

// shutdown stops every actor, waits for them, then stops the services and
// the actor system, and closes rt.shut. An actor stuck in a service call
// stops when that call returns.
func (rt *Runtime) shutdown(ctx context.Context) {
	defer close(rt.shut)
	for _, pool := range rt.instances {
		for _, in := range pool {
			if in.pid != nil {
				rt.system.Root.Stop(in.pid)
			}
		}
	}
	rt.actorsDone.Wait()
	for _, pool := range rt.instances {
		for _, in := range pool {
			if in.worker != nil {
				in.worker.stop()
			}
		}
	}
	// The actors are gone: no call can read a service now.
	rt.stopServices(ctx)
	rt.system.Shutdown()
}

// stopServices calls Stop on every started service that has one, turning a
// panic into a logged error.
func (rt *Runtime) stopServices(ctx context.Context) {
	for _, pool := range rt.instances {
		for _, in := range pool {
			in.mu.Lock()
			svc := in.svc
			in.svc = nil
			in.mu.Unlock()
			if err := rt.prog.Stop(ctx, svc); err != nil {
				rt.cfg.logger.Warn("service stop failed", "stage", in.name, "err", err)
			}
		}
	}
}

// awaitReplays waits for the Replays in progress to submit their inputs, or
// for ctx to end: then those still waiting give up and keep their dead
// letters.
func (rt *Runtime) awaitReplays(ctx context.Context) {
	done := make(chan struct{})
	go func() { rt.replays.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		close(rt.replayStop)
		<-done
	}
}
