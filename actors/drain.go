package actors

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

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
	_ = rt.Resume(ctx)
	rt.ev.add(snapshot.EventDrain, "", 0, "draining")
	rt.admitting.Lock() // Submits in progress have returned (blocked ones were woken by closing)
	rt.admitting.Unlock()
	rt.awaitReplays(ctx)

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
