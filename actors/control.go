package actors

import (
	"context"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

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
	c := rt.prog.Rules.Original(it.c)
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
// It returns at once and never fails; ctx is there for snapshot.Source.
func (rt *Runtime) Pause(context.Context) error {
	ch := make(chan struct{})
	if rt.gate.CompareAndSwap(nil, &ch) {
		rt.ev.add(snapshot.EventPause, "", 0, "intake paused")
	}
	return nil
}

// Resume restarts intake after Pause. It returns at once and never fails.
func (rt *Runtime) Resume(context.Context) error {
	if g := rt.gate.Swap(nil); g != nil {
		close(*g)
		rt.ev.add(snapshot.EventResume, "", 0, "intake resumed")
	}
	return nil
}
