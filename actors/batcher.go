package actors

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

// batcher gathers a batched stage's inputs into calls of its service's
// CallBatch.
// Each instance of the stage has one: it holds the inputs it received until
// its batch is full, until nothing else in flight could join the batch (the
// stream is idle here), or until the batch's first input has waited the
// stage's MaxWait; then it calls the service once for them. Everything but
// the timer's message belongs to the actor's goroutine.
type batcher struct {
	size    int
	wait    time.Duration
	pending []item // in arrival order
	stage   *batchStage
	stats   *batchStats

	// Scratch for one call, reused.
	cs   []*flow.Context
	curs []*engine.Cursor
	errs []error

	gen     uint64 // batches sent; a fill timeout armed for an older one is stale
	armed   bool
	timerMu sync.Mutex // with closed: no timeout is sent once the actor stops
	timer   *time.Timer
	closed  bool
}

// batchStage is what the instances of one batched stage share.
type batchStage struct {
	held atomic.Int64 // inputs pending in the stage's batchers
	// away are the nodes from which this stage cannot be reached: inputs
	// there (or held by their batchers) will not come here, unless retried.
	away []int
}

// fillReason says why a batch was sent.
type fillReason int

const (
	fillFull fillReason = iota // it reached MaxBatch
	fillWait                   // its first input waited MaxWait
	fillIdle                   // nothing else in flight could join it
	numReasons
)

// fillTimeout is the message a batcher's timer sends its actor.
type fillTimeout struct{ gen uint64 }

// gather takes a message's inputs into the batch, sending every full batch,
// then hands the outputs on; a partial batch is sent at once when the stream
// is idle here, else when the wait expires.
func (in *instance) gather(refs []ref) {
	b := in.batch
	b.stage.held.Add(int64(len(refs)))
	in.stats.holding.Store(0) // held now, not running
	for _, r := range refs {
		it, ok := in.rt.item(r)
		if !ok {
			b.stage.held.Add(-1)
			continue
		}
		b.pending = append(b.pending, it)
		if len(b.pending) >= b.size {
			in.sendBatch(fillFull)
		}
	}
	in.handOn() // the outputs are in the next stages' mailboxes before the idle check
	if len(b.pending) == 0 {
		return
	}
	switch {
	case b.wait <= 0:
		in.sendBatch(fillWait)
	case in.idle():
		in.sendBatch(fillIdle)
	default:
		in.arm()
		return
	}
	in.handOn()
}

// timedOut sends the batch a fill timeout was armed for, if still pending.
func (in *instance) timedOut(m *fillTimeout) {
	b := in.batch
	if m.gen != b.gen || len(b.pending) == 0 {
		return
	}
	b.armed = false
	for len(b.pending) > 0 {
		in.sendBatch(fillWait)
	}
	in.handOn()
}

// handOn publishes the counts and sends the outputs of the batches sent.
func (in *instance) handOn() {
	in.stats.publish()
	in.flush()
	in.release()
	in.stats.holding.Store(0)
}

// idle reports whether every input in flight that could still reach this
// stage is already held by its batchers: inputs elsewhere are either past it
// (or in branches that skip it), or not yet admitted.
func (in *instance) idle() bool {
	rt, st := in.rt, in.batch.stage
	elsewhere := int64(0)
	for _, node := range st.away {
		for _, other := range rt.instances[node] {
			elsewhere += max(other.stats.mailbox.Load(), 0) + max(other.stats.holding.Load(), 0)
		}
		if other := rt.instances[node][0]; other.batch != nil {
			elsewhere += other.batch.stage.held.Load()
		}
	}
	return int64(rt.led.inFlight())-elsewhere <= st.held.Load()
}

// arm starts the fill timer for the current batch, unless it runs.
func (in *instance) arm() {
	b := in.batch
	if b.armed {
		return
	}
	b.armed = true
	gen := b.gen
	b.timerMu.Lock()
	defer b.timerMu.Unlock()
	if b.closed {
		return
	}
	send := func() {
		b.timerMu.Lock()
		defer b.timerMu.Unlock()
		if !b.closed {
			in.rt.system.Root.Send(in.pid, &fillTimeout{gen: gen})
		}
	}
	if b.timer == nil {
		b.timer = time.AfterFunc(b.wait, send)
		return
	}
	b.timer.Stop()
	b.timer = time.AfterFunc(b.wait, send)
}

// close stops the fill timer for good: the actor is stopping.
func (b *batcher) close() {
	b.timerMu.Lock()
	defer b.timerMu.Unlock()
	b.closed = true
	if b.timer != nil {
		b.timer.Stop()
	}
}

// sendBatch calls the service once for the first MaxBatch pending inputs
// (those still live), with restarts and redelivery on Fatal, and hands each
// on with its own outcome.
func (in *instance) sendBatch(reason fillReason) {
	b := in.batch
	k := min(len(b.pending), b.size)
	items := b.pending[:k]
	b.gen++
	if b.armed {
		b.armed = false
		b.timerMu.Lock()
		if b.timer != nil {
			b.timer.Stop()
		}
		b.timerMu.Unlock()
	}
	b.stage.held.Add(-int64(k))
	in.stats.holding.Add(int64(k)) // running, then in outboxes until handOn sends them on
	rt := in.rt
	b.cs, b.curs, b.errs = b.cs[:0], b.curs[:0], b.errs[:0]
	var call []item
	for _, it := range items {
		if !in.admissible(it) {
			continue
		}
		call = append(call, it)
		b.cs, b.curs, b.errs = append(b.cs, it.c), append(b.curs, it.cur), append(b.errs, nil)
	}
	if len(call) > 0 {
		b.stats.record(len(call), reason)
		rt.prog.DeliverBatch(rt.ctx, b.cs, b.curs, in, b.errs)
		if len(b.cs) > 0 && b.cs[0] != call[0].c { // abandoned: the whole batch goes on with copies
			in.logAbandoned(b.cs[0], b.errs[0], len(call))
		}
		for i, it := range call {
			if b.cs[i] != it.c && !in.replace(&it, b.cs[i]) {
				continue // reported meanwhile: dropped
			}
			if err := b.errs[i]; err != nil {
				rt.prog.Fail(it.cur, err)
			}
			in.forward(it)
		}
	}
	clear(b.cs)
	clear(b.curs)
	clear(b.errs)
	n := copy(b.pending, b.pending[k:])
	clear(b.pending[n:])
	b.pending = b.pending[:n]
}

// admissible is process's check of an input before it runs: once the
// runtime is stopping, an input already reported is dropped and one of an
// escalated flow is reported Failed.
func (in *instance) admissible(it item) bool {
	rt := in.rt
	if !rt.stopping.Load() {
		return true
	}
	if !rt.led.live(it) {
		return false
	}
	if err := rt.escalated(); err != nil {
		rt.abandon(it, err, in)
		return false
	}
	return true
}

// StepBatch implements engine.BatchInstance: it runs the service on the
// batch, under the instance lock when restarts can come from other
// goroutines, times the call and counts each input's outcome.
func (in *instance) StepBatch(ctx context.Context, cs []*flow.Context, curs []*engine.Cursor, errs []error) uint64 {
	var tapped *probe // a tap samples the batch's first input (tap.go)
	if t := in.rt.taps.tapOf(in.node); t != nil && len(cs) > 0 {
		tapped = t.enter(&in.rt.taps, cs[0])
	}
	start := monotonic()
	in.stepBatch(ctx, cs, curs, errs)
	in.stats.hist.observe(monotonic() - start)
	if tapped != nil {
		tapped.leave(cs[0], errs[0], in.rt.prog.Abandoned(errs[0]))
	}
	in.stats.calls++
	for _, err := range errs {
		in.count(err)
	}
	return 0
}

func (in *instance) stepBatch(ctx context.Context, cs []*flow.Context, curs []*engine.Cursor, errs []error) {
	if in.locked {
		in.mu.Lock()
		defer in.mu.Unlock()
	}
	p := in.rt.prog
	if bs, ok := p.Nodes[in.node].Batcher(in.svc); ok {
		p.StepBatch(ctx, in.node, cs, curs, bs, errs)
		return
	}
	for i, c := range cs { // rebuilt by its factory as a service that takes no batches
		errs[i] = p.Step(ctx, c, curs[i], in.svc)
	}
}

var _ engine.BatchInstance[*flow.Context] = (*instance)(nil)

// setupBatchers gives each instance of a batched stage whose service takes
// batches its batcher.
func (rt *Runtime) setupBatchers() {
	for i := range rt.prog.Nodes {
		n := &rt.prog.Nodes[i]
		if n.Op != engine.OpCall || !n.Config.Batch.Batched() {
			continue
		}
		if _, ok := n.Batcher(rt.instances[i][0].svc); !ok {
			continue // takes no batches (Validate says so): one input per call
		}
		st := &batchStage{away: awayFrom(rt.prog, i)}
		for _, in := range rt.instances[i] {
			in.batch = &batcher{size: n.Config.Batch.Size, wait: n.Config.Batch.Wait, stage: st, stats: newBatchStats()}
		}
	}
}

// awayFrom lists the nodes from which node b cannot be reached along the
// program's edges (next, branches, default, a decorator's exit). It need not
// be exact: a node wrongly listed makes a batch go early, one wrongly left
// out makes it wait, at most MaxWait.
func awayFrom(p *program, b int) []int {
	var away []int
	for u := range p.Nodes {
		if !reaches(p, u, b) {
			away = append(away, u)
		}
	}
	return away
}

func reaches(p *program, from, to int) bool {
	seen := make([]bool, len(p.Nodes))
	stack := []int{from}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if u < 0 || seen[u] {
			continue
		}
		if u == to {
			return true
		}
		seen[u] = true
		n := &p.Nodes[u]
		stack = append(stack, n.Next)
		for _, br := range n.Branches {
			stack = append(stack, br.Entry)
		}
		switch n.Op {
		case engine.OpFork:
			stack = append(stack, n.Default)
		case engine.OpEnter:
			stack = append(stack, n.Exit)
		}
	}
	return false
}
