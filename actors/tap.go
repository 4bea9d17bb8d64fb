package actors

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
	"github.com/serviceflow/serviceflow/snapshot"
)

var _ snapshot.Tapper = (*Runtime)(nil)

// taps are the taps open on a runtime's service stages, by node. The set is
// replaced whole when a tap opens or closes, so an instance finds its tap
// with one atomic load, and nothing at all is done when none is open.
type taps struct {
	mu  sync.Mutex             // serializes replacing set
	set atomic.Pointer[tapSet] // nil while no tap is open
}

type tapSet map[int]*stageTap

// stageTap samples one stage's calls: at most snapshot.TapRate a second,
// the last snapshot.TapKeep kept, until its lease runs out.
type stageTap struct {
	node  int
	name  string
	every int64        // nanoseconds between samples
	last  atomic.Int64 // when the last sample started, unix nanoseconds
	lease atomic.Int64 // when the tap closes unless asked again

	mu   sync.Mutex
	seq  uint64
	ring []snapshot.Sample // oldest first
}

// probe is one sampled call in progress.
type probe struct {
	t      *stageTap
	before map[string]string
	start  time.Time
}

// tapOf returns the open tap on node, or nil: one atomic load when no tap
// is open anywhere.
func (ts *taps) tapOf(node int) *stageTap {
	set := ts.set.Load()
	if set == nil {
		return nil
	}
	return (*set)[node]
}

// enter starts a sample of the call c is about to make, or returns nil
// when it is not sampled (too soon after the last one, or the lease ran
// out, which closes the tap).
func (t *stageTap) enter(ts *taps, c *flow.Context) *probe {
	now := time.Now()
	n := now.UnixNano()
	if n > t.lease.Load() {
		ts.close(t)
		return nil
	}
	last := t.last.Load()
	if n-last < t.every || !t.last.CompareAndSwap(last, n) {
		return nil
	}
	return &probe{t: t, before: previews(c), start: now}
}

// leave ends the sample with the call's outcome.
func (p *probe) leave(c *flow.Context, err error, abandoned bool) {
	s := snapshot.Sample{
		Time: time.Now(), Stage: p.t.name, Input: c.ID(), Attempt: c.Attempt(),
		Before: p.before, Abandoned: abandoned,
	}
	if !abandoned { // an abandoned call's goroutine may still write c
		s.After = previews(c)
	}
	s.Took = s.Time.Sub(p.start)
	if err != nil {
		s.Err = cut(err.Error(), 4*snapshot.TapPreview)
	}
	t := p.t
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	s.Seq = t.seq
	if len(t.ring) == snapshot.TapKeep {
		copy(t.ring, t.ring[1:])
		t.ring = t.ring[:len(t.ring)-1]
	}
	t.ring = append(t.ring, s)
}

// since returns the samples newer than seq, oldest first.
func (t *stageTap) since(seq uint64) []snapshot.Sample {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []snapshot.Sample
	for _, s := range t.ring {
		if s.Seq > seq {
			out = append(out, s)
		}
	}
	return out
}

// open returns the tap on node, opening it, and extends its lease.
func (ts *taps) open(node int, name string) *stageTap {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var next tapSet
	if cur := ts.set.Load(); cur != nil {
		if t := (*cur)[node]; t != nil {
			t.lease.Store(time.Now().Add(snapshot.TapLease).UnixNano())
			return t
		}
		next = make(tapSet, len(*cur)+1)
		for k, v := range *cur {
			next[k] = v
		}
	} else {
		next = tapSet{}
	}
	t := &stageTap{node: node, name: name, every: int64(time.Second) / snapshot.TapRate}
	t.lease.Store(time.Now().Add(snapshot.TapLease).UnixNano())
	next[node] = t
	ts.set.Store(&next)
	return t
}

// close removes t, if it is still the tap of its node.
func (ts *taps) close(t *stageTap) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	cur := ts.set.Load()
	if cur == nil || (*cur)[t.node] != t {
		return
	}
	if len(*cur) == 1 {
		ts.set.Store(nil)
		return
	}
	next := make(tapSet, len(*cur)-1)
	for k, v := range *cur {
		if k != t.node {
			next[k] = v
		}
	}
	ts.set.Store(&next)
}

// Tap implements snapshot.Tapper: the samples of the service stage named
// stage newer than since, opening a tap on it (see snapshot.TapLease).
func (rt *Runtime) Tap(_ context.Context, stage string, since uint64) ([]snapshot.Sample, error) {
	for i, n := range rt.prog.Nodes {
		if n.Name == stage && n.Op == engine.OpCall {
			return rt.taps.open(i, stage).since(since), nil
		}
	}
	return nil, fmt.Errorf("%w: %q", snapshot.ErrNoStage, stage)
}

// previews renders c's values for a sample: each as JSON (or %v, quoted),
// cut to snapshot.TapPreview bytes; a key with unprintable runes is quoted.
// Nothing in them is raw: JSON escapes control characters.
func previews(c *flow.Context) map[string]string {
	m := maps.Collect(c.All())
	out := make(map[string]string, len(m))
	for k, v := range m {
		b, err := json.Marshal(v)
		s := string(b)
		if err != nil {
			s = strconv.Quote(fmt.Sprintf("%v", v))
		}
		if strings.ContainsFunc(k, func(r rune) bool { return !unicode.IsPrint(r) }) {
			k = strconv.Quote(k)
		}
		out[cut(k, snapshot.TapPreview)] = cut(s, snapshot.TapPreview)
	}
	return out
}

// cut bounds s to n bytes on a rune boundary, marking the cut with "…".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
