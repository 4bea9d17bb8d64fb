package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serviceflow/serviceflow/stream"
)

// health is a franz-go hook tracking whether the cluster answers: a dial,
// or a request whose write or read, that fails marks the link lost; an
// answered request brings it back. franz-go itself retries (reconnects,
// fetches, produces, group heartbeats) with backoff; health only says so.
type health struct {
	link   stream.Link
	what   string // for the log: the cluster and topic
	log    *slog.Logger
	closed atomic.Bool // the client is closing: its errors are no outage
}

var (
	_ kgo.HookBrokerConnect = (*health)(nil)
	_ kgo.HookBrokerE2E     = (*health)(nil)
)

// OnBrokerConnect implements kgo.HookBrokerConnect.
func (h *health) OnBrokerConnect(_ kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	if err != nil {
		h.lost(err)
	}
}

// OnBrokerE2E implements kgo.HookBrokerE2E.
func (h *health) OnBrokerE2E(_ kgo.BrokerMetadata, _ int16, e2e kgo.BrokerE2E) {
	if err := e2e.Err(); err != nil {
		h.lost(err)
		return
	}
	if d, was := h.link.Back(); was {
		h.log.Info("kafka: cluster answers again", "cluster", h.what, "after", d.Round(time.Millisecond))
	}
}

func (h *health) lost(err error) {
	if h.closed.Load() || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, kgo.ErrClientClosed) {
		return // ours: a request given up, the client closing
	}
	if h.link.Lost(fmt.Errorf("kafka: %s: %w", h.what, err)) {
		h.log.Warn("kafka: cluster lost; retrying", "cluster", h.what, "err", err)
	}
}
