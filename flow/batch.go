package flow

import (
	"context"
	"time"

	"github.com/serviceflow/serviceflow/internal/engine"
)

// Batch makes a service of a function that processes many inputs in one
// call: a bulk insert, a batched HTTP request, a model scoring many rows at
// once. fn gets up to MaxBatch inputs (default 100) at a time, gathered for
// at most MaxWait (default 10 ms). name is its stage name; opts are any stage
// options: MaxBatch, MaxWait, Concurrency, ByKey, Timeout (which bounds each
// call), Expects and Promises (for Validate).
//
// fn says by its error what happened to each input: nil, every input
// succeeded; a BatchError, one outcome per input; any other error, the same
// outcome for every input. Each outcome is classified as for a single
// service: Stop ends that input early, Retry runs that input alone again from
// its original values, Fatal restarts the service and redelivers the inputs
// that went Fatal, and any other error fails that input. The contexts belong
// to fn only until it returns.
//
// A batch is sent as soon as it is full; when no other input in flight could
// join it (a lone input is not held back); or when its first input has waited
// MaxWait, whichever comes first. Run calls fn with batches of one.
//
// A service of your own takes batches the same way when it has a method
// CallBatch(ctx context.Context, batch []*Context) error: a stage of it with
// MaxBatch calls CallBatch instead of Call (its Call is used only where the
// stage is not batched).
func Batch(name string, fn func(ctx context.Context, batch []*Context) error, opts ...StageOption) Service {
	return Stage(newBatchNode(name, fn), append([]StageOption{MaxBatch(0)}, opts...)...)
}

// MaxBatch batches the stage's calls, up to n inputs each; n < 1 means the
// default, 100. The stage's service must take batches (see Batch); Validate
// reports a MaxBatch on any other service.
func MaxBatch(n int) StageOption {
	return func(c *stageConfig) {
		if n < 1 {
			n = engine.DefaultBatchSize
		}
		c.BatchSize = n
	}
}

// MaxWait bounds how long an input waits for its batch to fill before the
// batch is sent anyway; d <= 0 sends each batch with the inputs at hand. It
// applies to batched stages (Batch, MaxBatch) and defaults to 10 ms.
func MaxWait(d time.Duration) StageOption {
	return func(c *stageConfig) {
		if d <= 0 {
			d = -1
		}
		c.BatchWait = d
	}
}

// batcher is a service of your own that takes batches (see Batch).
type batcher interface {
	Service
	CallBatch(ctx context.Context, batch []*Context) error
}

// takesBatches reports whether s takes batches: flow's own or a batcher.
func takesBatches(s Service) bool {
	switch s.(type) {
	case *batchNode, batcher:
		return true
	}
	return false
}

// callOne is a batch function's Call: a batch of one.
func callOne(ctx context.Context, batch func(context.Context, []*Context) error, c *Context) error {
	one := [1]*Context{c}
	err := batch(ctx, one[:])
	if err == nil {
		return nil
	}
	return rules.Split(err, 1)[0]
}

// batchNode is a service that takes batches: Batch's and TypedBatch's. Its
// Call is a batch of one; the program runs it as an engine.BatchFunc.
type batchNode struct {
	node
	batch func(ctx context.Context, batch []*Context) error
}

func newBatchNode(name string, fn func(ctx context.Context, batch []*Context) error) *batchNode {
	b := &batchNode{batch: fn}
	b.name = name
	b.call = func(ctx context.Context, c *Context) error { return callOne(ctx, fn, c) }
	return b
}
