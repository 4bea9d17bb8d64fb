package cli

import (
	"context"
	neturl "net/url"

	"github.com/serviceflow/serviceflow/stream"
)

// openBrokerSource opens a source URL.
func openBrokerSource(ctx context.Context, url string) (stream.Source, error) {
	return nil, usageError("run: --in %s: unknown scheme (want kafka:// or nats://)", redact(url))
}

// openBrokerSink opens a sink URL.
func openBrokerSink(ctx context.Context, flag, url string) (stream.Sink, error) {
	return nil, usageError("run: %s %s: unknown scheme (want kafka:// or nats://)", flag, redact(url))
}

// redact drops the user information from a URL, for messages.
func redact(s string) string {
	u, err := neturl.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}
