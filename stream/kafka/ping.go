package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// ErrUnreachable is the error of a cluster that did not answer at start.
var ErrUnreachable = errors.New("kafka: brokers unreachable")

// pingTimeout bounds the first contact with the cluster.
const pingTimeout = 10 * time.Second

// ping checks that cl reaches a broker, so a wrong address fails at once
// with a clear error instead of retrying forever in the background.
func ping(ctx context.Context, cl *kgo.Client, c Config) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := cl.Ping(ctx); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrUnreachable, c, err)
	}
	return nil
}
