package jetstream

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
)

// Config says where a Source or Sink connects.
type Config struct {
	Servers []string // nats://host:port, one or more
	Stream  string
	Subject string // Source: the consumer's filter (empty: every subject); Sink: where to publish (required)
	Durable string // Source: the durable consumer's name (required)
	// New makes a new durable consumer start with the messages that arrive
	// after it is created, instead of the start of the stream.
	New        bool
	AckWait    time.Duration // 0: the server's default (30 s)
	MaxDeliver int           // 0: the server's default (unlimited)
	// Window bounds the messages a Source hands out whose acks the server
	// has not confirmed (0: stream.DefaultWindow; set it to
	// stream.WindowFor the runtime's MaxInFlight): a crash makes the consumer redeliver at most
	// that many that had results.
	Window int

	User, Password, Token string
	TLS                   *tls.Config
	// Decoding configures how message data is decoded (limits, checks).
	Decoding []jsonl.Option
	// Logger gets the connector's warnings (a lost server, dropped
	// messages); nil: slog.Default().
	Logger *slog.Logger
}

func (c Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// ErrURL is the error of a URL that is not nats://HOST:PORT/STREAM?...
var ErrURL = errors.New("jetstream: bad URL")

// ParseURL parses
// nats://HOST:PORT[,HOST:PORT...]/STREAM?subject=SUBJ&durable=NAME&start=all|new&ack_wait=30s&max_deliver=N.
// Credentials never come from the URL (it is shown in logs).
func ParseURL(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "nats" && u.Scheme != "tls") {
		return Config{}, fmt.Errorf("%w: want nats://HOST:PORT/STREAM", ErrURL)
	}
	if u.User != nil {
		return Config{}, fmt.Errorf("%w: credentials go in flags or environment variables, not the URL", ErrURL)
	}
	q := u.Query()
	c := Config{Stream: strings.Trim(u.Path, "/"), Subject: q.Get("subject"), Durable: q.Get("durable")}
	for _, h := range strings.Split(u.Host, ",") {
		if h != "" {
			c.Servers = append(c.Servers, u.Scheme+"://"+h)
		}
	}
	if len(c.Servers) == 0 || c.Stream == "" || strings.Contains(c.Stream, "/") {
		return Config{}, fmt.Errorf("%w: want nats://HOST:PORT/STREAM", ErrURL)
	}
	switch start := q.Get("start"); start {
	case "", "all":
	case "new":
		c.New = true
	default:
		return Config{}, fmt.Errorf("%w: start=%q: want all or new", ErrURL, start)
	}
	if v := q.Get("ack_wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("%w: ack_wait=%q: want a duration such as 30s", ErrURL, v)
		}
		c.AckWait = d
	}
	if v := q.Get("max_deliver"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n == 0 || n < -1 {
			return Config{}, fmt.Errorf("%w: max_deliver=%q: want a positive count, or -1 for unlimited", ErrURL, v)
		}
		c.MaxDeliver = n
	}
	return c, nil
}

func (c Config) String() string {
	return strings.Join(c.Servers, ",") + "/" + c.Stream
}

// ErrUnreachable is the error of servers that did not answer at start.
var ErrUnreachable = errors.New("jetstream: servers unreachable")

// reconnectBackoff spaces the attempts to reconnect to a lost server.
var reconnectBackoff = backoff.Exponential{Initial: 50 * time.Millisecond, Max: 2 * time.Second}

// connect connects to c's servers, failing at once if none answers; once
// connected it reconnects forever, with backoff, buffering what it
// publishes meanwhile. A lost connection is reported to link; whoever owns
// link says when it is back (a reconnected server may not serve JetStream
// yet), and is told of each reconnection by reconnected (nil: not told).
func (c Config) connect(link *stream.Link, reconnected func()) (*nats.Conn, error) {
	opts := []nats.Option{
		nats.Timeout(5 * time.Second),
		nats.MaxReconnects(-1),
		nats.CustomReconnectDelay(func(attempts int) time.Duration { return reconnectBackoff.Delay(attempts) }),
		nats.Name("flowrun"),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			// A slow consumer (after a reconnection, say) drops messages:
			// not acked, they are delivered again. The rest (writes to a
			// server going away) the link and the retries account for.
			if errors.Is(err, nats.ErrSlowConsumer) {
				c.logger().Warn("jetstream: messages dropped; they will be delivered again", "servers", c.String(), "err", err)
			} else {
				c.logger().Debug("jetstream: asynchronous error", "servers", c.String(), "err", err)
			}
		}),
	}
	if reconnected != nil {
		opts = append(opts, nats.ReconnectHandler(func(*nats.Conn) { reconnected() }))
	}
	if link != nil {
		opts = append(opts, nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			if nc.IsClosed() {
				return // closed by its owner, not lost
			}
			if err == nil {
				err = nats.ErrDisconnected
			}
			if link.Lost(fmt.Errorf("jetstream: %s: %w", c, err)) {
				c.logger().Warn("jetstream: connection lost; reconnecting", "servers", c.String(), "err", err)
			}
		}))
	}
	if c.User != "" {
		opts = append(opts, nats.UserInfo(c.User, c.Password))
	}
	if c.Token != "" {
		opts = append(opts, nats.Token(c.Token))
	}
	if c.TLS != nil {
		opts = append(opts, nats.Secure(c.TLS))
	}
	nc, err := nats.Connect(strings.Join(c.Servers, ","), opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, c, err)
	}
	return nc, nil
}
