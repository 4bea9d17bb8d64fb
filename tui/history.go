package tui

import (
	"math"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// historyWindow is how much history the sparklines show.
const historyWindow = 60 * time.Second

// ring is a fixed-size series of samples, oldest first.
type ring struct {
	buf  []float64
	head int // next write
	full bool
}

func newRing(n int) ring { return ring{buf: make([]float64, n)} }

func (r *ring) add(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 { // a sample the sparklines can scale
		v = 0
	}
	r.buf[r.head] = v
	r.head++
	if r.head == len(r.buf) {
		r.head, r.full = 0, true
	}
}

// values returns the samples oldest first.
func (r *ring) values() []float64 {
	if !r.full {
		return r.buf[:r.head]
	}
	out := make([]float64, 0, len(r.buf))
	out = append(out, r.buf[r.head:]...)
	return append(out, r.buf[:r.head]...)
}

// stageHistory is what the monitor remembers of one stage.
type stageHistory struct {
	rate, mailbox, p50, p99 ring
}

// history keeps about a minute of samples from successive snapshots. It is
// owned by the model and changed only in Update.
type history struct {
	size    int
	last    time.Time
	in, out ring
	stages  map[string]*stageHistory
}

func newHistory(refresh time.Duration) *history {
	n := int(historyWindow / refresh)
	n = max(30, min(n, 600))
	return &history{size: n, in: newRing(n), out: newRing(n), stages: map[string]*stageHistory{}}
}

// add records s, once per snapshot time.
func (h *history) add(s snapshot.Snapshot) {
	if !s.Taken.IsZero() && !s.Taken.After(h.last) {
		return
	}
	h.last = s.Taken
	h.in.add(s.InRate)
	h.out.add(s.OutRate)
	seen := make(map[string]bool, len(s.Stages))
	for _, st := range s.Stages {
		seen[st.Name] = true
		sh := h.stages[st.Name]
		if sh == nil {
			sh = &stageHistory{rate: newRing(h.size), mailbox: newRing(h.size), p50: newRing(h.size), p99: newRing(h.size)}
			h.stages[st.Name] = sh
		}
		sh.rate.add(st.OutRate)
		sh.mailbox.add(float64(st.Mailbox))
		sh.p50.add(float64(st.P50))
		sh.p99.add(float64(st.P99))
	}
	for name := range h.stages { // bounded by the live topology
		if !seen[name] {
			delete(h.stages, name)
		}
	}
}

func (h *history) stage(name string) *stageHistory {
	if sh := h.stages[name]; sh != nil {
		return sh
	}
	return &stageHistory{}
}
