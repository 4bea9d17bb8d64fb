package actors

import (
	"fmt"
	"time"

	"github.com/serviceflow/serviceflow/internal/engine"
	"github.com/serviceflow/serviceflow/snapshot"
)

// Snapshot is the picture of a running flow the monitor and metrics read.
type Snapshot = snapshot.Snapshot

// Snapshot returns the topology, per-stage counters and latencies, the
// supervision tree, recent events and dead letters. It takes no lock the
// actors take per input, so it is cheap to call ten times a second.
//
// Latency: each service instance times one call in 8 (sampleEvery) into a
// log-linear histogram of fixed size (about 9 KiB per instance; recording
// is two atomic adds). Stage.P50 and P99 are nearest-rank quantiles of the
// calls timed in the last 10 seconds, within 1.6% of the true quantile of
// those calls. Stage.Latency counts the timed calls since the start, under
// bounds from 1µs to 10s; only a call within 1.6% of a bound may be counted
// on the wrong side of it. Its Sum and Count are exact for the timed calls.
func (rt *Runtime) Snapshot() Snapshot {
	now := time.Now()
	s := Snapshot{
		Flow:        rt.prog.Name,
		State:       snapshot.Running,
		Started:     rt.started,
		Taken:       now,
		MaxInFlight: rt.cfg.maxInFlight,
		Retry: snapshot.Retry{
			Attempts: rt.prog.MaxAttempts,
			Initial:  rt.prog.RetryBackoff.Base(1),
			Max:      rt.prog.RetryBackoff.Base(1 << 20),
		},
		Totals: snapshot.Totals{
			Admitted: rt.led.admitted.Load(),
			Done:     rt.led.done.Load(),
			Stopped:  rt.led.stopped.Load(),
			Failed:   rt.led.failed.Load(),
			Retried:  rt.led.retried.Load(),
		},
		Events: rt.ev.list(),
	}
	s.Totals.InFlight = rt.led.inFlight()
	s.Totals.Stuck = rt.prog.Stuck()
	s.DeadLetters, s.Evicted = rt.led.deadLetters()
	if rt.sup != nil {
		s.Supervisors = rt.sup.snapshot()
	}

	rt.rates.mu.Lock()
	s.InRate, s.OutRate = rt.rates.admIn, rt.rates.resOut
	degraded := false
	for i, n := range rt.prog.Nodes {
		st := snapshot.Stage{
			ID: i, Name: n.Name, Kind: kindOf(n.Op), Path: n.Path, Key: n.Key, State: snapshot.StageOK,
			Supervisor: rt.prog.Name, Concurrency: len(rt.instances[i]),
			Timeout: n.Config.Timeout, Expects: n.Config.Expects, Promises: n.Config.Promises,
			MailboxCap: rt.cfg.maxInFlight,
		}
		if n.Op == engine.OpCall {
			st.Supervisor = n.Name
		}
		var fine [numBuckets]uint64
		var sum time.Duration
		for _, in := range rt.instances[i] {
			c := in.stats
			if n.Op == engine.OpCall {
				sum += c.hist.addTo(&fine)
			}
			st.Received += c.received.Load()
			st.Done += c.done.Load()
			st.Stopped += c.stopped.Load()
			st.Retried += c.retried.Load()
			st.Failed += c.failed.Load()
			st.Restarts += c.restarts.Load()
			st.Mailbox += int(max(c.mailbox.Load(), 0))
			st.InFlight += int(max(c.holding.Load(), 0))
			if c.restarting.Load() {
				st.State = snapshot.StageRestarting
			}
			if e := c.lastErr.Load(); e != nil {
				st.LastError = *e
			}
		}
		if n.Op == engine.OpCall {
			st.Latency = coarse(&fine, sum)
		}
		s.Totals.Restarts += st.Restarts
		st.InFlight += st.Mailbox
		if st.Batch = rt.batchSnapshot(i); st.Batch != nil {
			st.InFlight += int(max(rt.instances[i][0].batch.stage.held.Load(), 0))
		}
		if st.State == snapshot.StageOK && st.Mailbox*2 >= rt.cfg.maxInFlight {
			st.State = snapshot.StageBackpressure
		}
		if i < len(rt.rates.in) {
			st.InRate, st.OutRate = rt.rates.in[i], rt.rates.out[i]
			st.P50, st.P99 = rt.rates.p50[i], rt.rates.p99[i]
		}
		if st.State == snapshot.StageRestarting {
			degraded = true
		}
		s.Stages = append(s.Stages, st)
	}
	rt.rates.mu.Unlock()

	sink := len(s.Stages)
	s.Stages = append(s.Stages, snapshot.Stage{ID: sink, Name: "results", Kind: snapshot.KindSink, State: snapshot.StageOK,
		Received: s.Totals.Done + s.Totals.Stopped + s.Totals.Failed, OutRate: s.OutRate, InRate: s.OutRate})
	s.Edges = edges(rt.prog, sink)

	switch {
	case rt.escalated() != nil:
		s.State, s.Err = snapshot.Failed, rt.escalated().Error()
		for i := range s.Stages {
			s.Stages[i].State = snapshot.StageFailed
		}
	case rt.draining.Load() && s.Totals.InFlight == 0:
		s.State = snapshot.Stopped
		for i := range s.Stages {
			s.Stages[i].State = snapshot.StageStopped
		}
	case rt.draining.Load():
		s.State = snapshot.Draining
	case rt.gate.Load() != nil:
		s.State = snapshot.Paused
	case degraded:
		s.State = snapshot.Degraded
	}
	return s
}

func kindOf(op engine.Op) snapshot.Kind {
	switch op {
	case engine.OpFork:
		return snapshot.KindFork
	case engine.OpEnter, engine.OpExit:
		return snapshot.KindAround
	}
	return snapshot.KindService
}

// edges are the program's successor links; End goes to the sink.
func edges(p *program, sink int) []snapshot.Edge {
	to := func(i int) int {
		if i == engine.End {
			return sink
		}
		return i
	}
	var es []snapshot.Edge
	for i, n := range p.Nodes {
		if n.Op == engine.OpFork {
			for _, b := range n.Branches {
				es = append(es, snapshot.Edge{From: i, To: to(b.Entry), Label: b.Label})
			}
			if n.Default != engine.NoDefault {
				es = append(es, snapshot.Edge{From: i, To: to(n.Default), Label: "default"})
			}
			continue
		}
		es = append(es, snapshot.Edge{From: i, To: to(n.Next)})
	}
	return es
}

// sample computes rates and latency percentiles once a second, until the
// runtime's context ends.
func (rt *Runtime) sample() {
	t := time.NewTicker(rt.cfg.sampleEvery)
	defer t.Stop()
	r := &rt.rates
	n := len(rt.prog.Nodes)
	r.mu.Lock()
	r.last = time.Now()
	r.prev = make([]sample, n)
	for i := range r.prev {
		r.prev[i].hist = new([numBuckets]uint64)
	}
	r.in, r.out = make([]float64, n), make([]float64, n)
	r.p50, r.p99 = make([]time.Duration, n), make([]time.Duration, n)
	r.window = make([]window, n)
	r.mu.Unlock()
	cur := new([numBuckets]uint64) // reused: swapped with the stage's prev each tick
	for {
		select {
		case <-rt.ctx.Done():
			return
		case now := <-t.C:
			cur = rt.sampleOnce(now, cur)
		}
	}
}

// sampleOnce updates the rates and quantiles; scratch is a histogram it may
// overwrite, and it returns one for the next tick.
func (rt *Runtime) sampleOnce(now time.Time, scratch *[numBuckets]uint64) *[numBuckets]uint64 {
	r := &rt.rates
	r.mu.Lock()
	defer r.mu.Unlock()
	secs := now.Sub(r.last).Seconds()
	if secs <= 0 {
		return scratch
	}
	r.last = now
	var sum [numBuckets]uint64 // scratch for the window's quantiles
	for i, pool := range rt.instances {
		cur := sample{hist: scratch}
		*cur.hist = [numBuckets]uint64{}
		for _, in := range pool {
			c := in.stats
			cur.received += c.received.Load()
			cur.finished += c.done.Load() + c.stopped.Load() + c.retried.Load() + c.failed.Load()
			c.hist.addTo(cur.hist)
		}
		prev := r.prev[i]
		r.in[i] = float64(cur.received-prev.received) / secs
		r.out[i] = float64(cur.finished-prev.finished) / secs
		r.window[i].add(cur.hist, prev.hist)
		r.p50[i], r.p99[i] = r.window[i].quantiles(&sum)
		r.prev[i], scratch = cur, prev.hist
	}
	adm := rt.led.admitted.Load()
	res := rt.led.done.Load() + rt.led.stopped.Load() + rt.led.failed.Load()
	r.admIn = float64(adm-r.prevAd) / secs
	r.resOut = float64(res-r.prevRs) / secs
	r.prevAd, r.prevRs = adm, res
	return scratch
}

func stringOf(v any) string { return fmt.Sprint(v) }
