package actors

import (
	"fmt"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

// finish ends an input that reached the end of the flow: retry it, or report
// its one result.
func (rt *Runtime) finish(it item) {
	out := rt.prog.Finish(it.cur)
	if out.Retry {
		if err := rt.escalated(); err != nil {
			rt.abandon(it, err)
			return
		}
		rt.led.retried.Add(1)
		rt.noteRetry(it, out.Wait)
		rt.retry.schedule(it, out.Wait)
		return
	}
	rt.report(it, flow.Result{Context: it.c, Status: flow.Status(out.Status), Err: out.Err})
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
	c := rt.prog.Rules.Original(it.c)
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
	rt.prog.Retry(it.c, it.cur)
	rt.enter(it)
}
