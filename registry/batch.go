package registry

import (
	"context"
	"errors"

	"github.com/serviceflow/serviceflow/flow"
)

// batchService is a service that takes batches (see flow.Batch): a batched
// stage of it calls CallBatch.
type batchService interface {
	flow.Service
	CallBatch(ctx context.Context, batch []*flow.Context) error
}

// callOne is a batch service's Call: CallBatch with a batch of one, and that
// input's outcome.
func callOne(ctx context.Context, s batchService, c *flow.Context) error {
	err := s.CallBatch(ctx, []*flow.Context{c})
	var be flow.BatchError
	if errors.As(err, &be) && len(be) <= 1 {
		if len(be) == 0 {
			return nil
		}
		return be[0]
	}
	return err
}
