package actors

import (
	"fmt"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

// finish ends an input that reached the end of the flow: retry it, or report
// its one result. in is the actor finishing it, nil outside the actors (see
// report).
func (rt *Runtime) finish(it item, in *instance) {
	out := rt.prog.Finish(it.cur)
	if out.Retry {
		if err := rt.escalated(); err != nil {
			rt.abandon(it, err, in)
			return
		}
		rt.led.retried.Add(1)
		rt.noteRetry(it, out.Wait)
		rt.retry.schedule(it, out.Wait)
		return
	}
	rt.report(it, flow.Result{Context: it.c, Status: flow.Status(out.Status), Err: out.Err}, in)
}

// noteRetry records a retry event, at most one per stage per second: a
// service that asks for retries often would otherwise fill the ring and push
// out the restarts and escalations people look for. The event counts the
// retries it stands for.
func (rt *Runtime) noteRetry(it item, wait time.Duration) {
	err := rt.prog.Err(it.cur)
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

// report emits res for it if nobody has yet. An actor (in) releases the
// slots of the inputs it reports at the end of its message, in one go;
// without one the slot is released at once.
func (rt *Runtime) report(it item, res flow.Result, in *instance) {
	if !rt.led.claim(it) {
		return
	}
	rt.led.count(res.Status)
	if res.Status == flow.Failed {
		dl := rt.led.bury(res, stageOf(res.Err))
		rt.ev.add(snapshot.EventDeadLetter, dl.Stage, dl.ID, dl.Err)
	}
	rt.results <- res
	if in == nil {
		rt.led.release(it)
		return
	}
	in.freed = append(in.freed, it.slot)
	in.stats.unreleased.Store(int64(len(in.freed))) // after the send: Drain counts these as released
}

// abandon reports it Failed with err without running it further: after an
// escalation, or at the drain deadline. The context may still be held by an
// actor, so the result carries a copy of the original input. in is as for
// finish.
func (rt *Runtime) abandon(it item, err error, in *instance) {
	c := rt.prog.Rules.Original(it.c)
	rt.report(it, flow.Result{Context: c, Status: flow.Failed, Err: &flow.StageError{Stage: "", Attempt: 0, Err: err}}, in)
}

// resend re-admits a retried input at the flow's entry.
func (rt *Runtime) resend(it item) {
	if !rt.led.live(it) {
		return
	}
	if err := rt.escalated(); err != nil {
		rt.abandon(it, err, nil)
		return
	}
	rt.prog.Retry(it.c, it.cur)
	rt.enter(it)
}

// release returns the slots of the inputs the message in hand reported to
// the free list. The unreleased count drops first: a slot counted in
// neither place for a moment keeps Drain waiting, one counted in both
// would let it close Results early.
func (in *instance) release() {
	if len(in.freed) == 0 {
		return
	}
	in.stats.unreleased.Store(0)
	in.rt.led.free.put(in.freed...)
	in.freed = in.freed[:0]
}

// unreleased is the number of slots actors hold for inputs they reported
// (see release).
func (rt *Runtime) unreleased() int {
	n := int64(0)
	for _, pool := range rt.instances {
		for _, in := range pool {
			n += in.stats.unreleased.Load()
		}
	}
	return int(n)
}
