package cli

import (
	"context"
	"sync"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/jsonl"
)

// intakeLoop takes a stream's inputs into the runtime, one emit call per
// input, on the feed's goroutine. Another goroutine may stop it at any
// time (stop); after that no input is taken.
type intakeLoop struct {
	ctx       context.Context // the run's: its end is an interrupt
	rt        runner
	sink      *sink
	malformed func(*jsonl.LineError)

	// submitCtx ends with ctx or when stop is called: a Submit waiting
	// for room in the flow gives up.
	submitCtx    context.Context
	cancelSubmit context.CancelFunc

	mu          sync.Mutex // held while an input is taken
	stopped     bool       // no more inputs (stop was called, or a Submit failed)
	lastLine    int        // the line of the last input processed
	interrupted bool       // a Submit failed because of an interrupt
	quit        bool       // a Submit failed because the monitor drained the flow
}

// emit takes one input; false stops the feed.
func (l *intakeLoop) emit(in input) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return false
	}
	if l.ctx.Err() != nil {
		// Interrupted while this input was read: it is not processed
		// (intake stopped before it), like the lines after it.
		l.stopped, l.interrupted = true, true
		return false
	}
	if in.bad != nil {
		l.lastLine = in.line
		l.sink.malformed(in.line, in.bad, in.record())
		if l.malformed != nil {
			l.malformed(in.bad)
		}
		return true
	}
	c := flow.NewContext(in.values)
	l.sink.expect(c.ID(), in.line, in.values, in.record())
	if err := l.rt.SubmitContext(l.submitCtx, c); err != nil {
		// Not admitted: interrupted, stopped, the monitor drained, or the
		// flow failed. Intake stopped before this input: it is not
		// processed, so it has no result and is not counted.
		l.sink.forget(c.ID())
		if !l.stopped {
			l.interrupted = l.rt.Err() == nil && l.ctx.Err() != nil
			l.quit = l.rt.Err() == nil && l.ctx.Err() == nil && l.submitCtx.Err() == nil
		}
		l.stopped = true
		return false
	}
	l.sink.taken()
	l.lastLine = in.line
	return true
}

// stop ends intake from another goroutine: a Submit waiting for room gives
// up, and once the input being taken (if any) is settled no other is.
func (l *intakeLoop) stop() {
	l.cancelSubmit()
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

// result copies what intake did into out. Call it after the feed returned
// or stop. A feed that returned because intake stopped it did not end its
// stream.
func (l *intakeLoop) result(out *outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		out.ended, out.readErr = false, nil
	}
	out.lastLine = l.lastLine
	out.interrupted = out.interrupted || l.interrupted
	out.quit = out.quit || l.quit
}
