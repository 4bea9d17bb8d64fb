package flow

import (
	"context"
	"time"
)

// BatchService is a service that can process many inputs in one call: a bulk
// insert, a batched HTTP request, a model scoring many rows at once.
//
// CallBatch processes batch and says by its error what happened to each input:
//
//   - nil: every input succeeded;
//   - a *BatchError (see NewBatchError): one outcome per input;
//   - any other error: the same outcome for every input of the batch.
//
// Each outcome is classified as for a single service: Stop ends that input
// early, Retry runs that input alone again from its original values, Fatal
// restarts the service and redelivers the inputs that went Fatal, and any
// other error fails that input.
//
// A stage runs its service's CallBatch only when batching is configured for
// it (Batch does so, or MaxBatch on any stage of a BatchService); otherwise it
// calls Call, one input at a time. Run calls CallBatch with a batch of one; the
// actor runtime gathers up to MaxBatch inputs from the stage's mailbox. The
// contexts belong to the service only until CallBatch returns.
type BatchService interface {
	Service
	CallBatch(ctx context.Context, batch []*Context) error
}

// Batch makes a batch service of a function: fn gets up to MaxBatch inputs
// (default DefaultBatchSize) at a time, gathered for at most MaxWait (default
// DefaultBatchWait). name is its stage name; opts are any stage options:
// MaxBatch, MaxWait, Concurrency, ByKey, Timeout (which bounds each call),
// Expects and Promises (for Validate).
//
// A batch is sent as soon as it is full; when no other input in flight could
// join it (a lone input is not held back); or when its first input has waited
// MaxWait, whichever comes first.
func Batch(name string, fn func(ctx context.Context, batch []*Context) error, opts ...StageOption) Service {
	s := &batchFunc{name: name, fn: fn}
	return Stage(s, append([]StageOption{MaxBatch(DefaultBatchSize)}, opts...)...)
}

// The defaults of a batched stage.
const (
	DefaultBatchSize = 100                   // inputs per call, with Batch
	DefaultBatchWait = 10 * time.Millisecond // longest wait for a batch to fill
)

// BatchPolicy says how a runtime groups a stage's inputs into calls of its
// BatchService. The zero value means no batching: one input per Call.
type BatchPolicy struct {
	// Size is the largest batch; 0 means the stage is not batched.
	Size int
	// Wait is the longest an input waits for its batch to fill: 0 means
	// DefaultBatchWait, a negative Wait no waiting (a batch is sent with the
	// inputs at hand).
	Wait time.Duration
}

// Batched reports whether the policy batches calls.
func (p BatchPolicy) Batched() bool { return p.Size > 0 }

// MaxWait is Wait with its default applied; 0 means no waiting.
func (p BatchPolicy) MaxWait() time.Duration {
	switch {
	case p.Wait == 0:
		return DefaultBatchWait
	case p.Wait < 0:
		return 0
	}
	return p.Wait
}

// MaxBatch batches the stage's calls, up to n inputs each (n < 1 means 1).
// The stage's service must be a BatchService; Batch makes one of a function.
// Validate reports a MaxBatch on any other service.
func MaxBatch(n int) StageOption {
	return func(c *stageConfig) { c.Batch.Size = max(n, 1) }
}

// MaxWait bounds how long an input waits for its batch to fill before the
// batch is sent anyway; d <= 0 sends each batch with the inputs at hand. It
// applies to batched stages (Batch, MaxBatch) and defaults to
// DefaultBatchWait.
func MaxWait(d time.Duration) StageOption {
	return func(c *stageConfig) {
		if d <= 0 {
			d = -1
		}
		c.Batch.Wait = d
	}
}

type batchFunc struct {
	name string
	fn   func(ctx context.Context, batch []*Context) error
}

var _ BatchService = (*batchFunc)(nil)

func (b *batchFunc) stageName() string { return b.name }

// Call processes c as a batch of one.
func (b *batchFunc) Call(ctx context.Context, c *Context) error { return CallOne(ctx, b, c) }

func (b *batchFunc) CallBatch(ctx context.Context, batch []*Context) error {
	return b.fn(ctx, batch)
}

// CallOne calls s.CallBatch with a batch of one and returns that input's
// outcome: a BatchService's Call can be just this.
func CallOne(ctx context.Context, s BatchService, c *Context) error {
	one := [1]*Context{c}
	err := s.CallBatch(ctx, one[:])
	if err == nil {
		return nil
	}
	return SplitBatchError(err, 1)[0]
}
