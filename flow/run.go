package flow

import "context"

// Run processes one input through the flow, synchronously, in the caller's
// goroutine, and returns its context. The error is nil when the input is
// Done, matches ErrStopped when a service stopped it, and otherwise is the
// *StageError that failed it.
//
// Retry errors run the flow again from the original input after the
// Policy's Backoff. Fatal errors and panics restart the service (its Stop,
// then Start, or a fresh Build) after the Policy's RestartBackoff, and
// redeliver the input to it a bounded number of times; the service is
// restarted after the last failure too, so the next input finds a working
// one. The actor runtime applies the same rule. Services with
// a Start method are started when first needed; call Stop to release them.
// Cancelling ctx stops the run between steps and during backoffs
// (decorators' After still runs).
//
// Run is safe for concurrent use when the flow's services are; restarts of a
// service are serialized.
func (f *Flow) Run(ctx context.Context, input map[string]any) (*Context, error) {
	r, err := f.getRunner()
	if err != nil {
		return nil, err
	}
	c := NewContext(input)
	return r.Run(ctx, c, &c.cur)
}
