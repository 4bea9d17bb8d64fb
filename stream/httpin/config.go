package httpin

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"time"

	"github.com/serviceflow/serviceflow/internal/httpserve"
	"github.com/serviceflow/serviceflow/jsonl"
)

// ErrNotLoopback is returned by NewSource for an address that is not a
// loopback one, when TLS and a token are not both configured.
var ErrNotLoopback = errors.New("httpin: without TLS and a token the ingress listens on loopback only (127.0.0.1, ::1 or localhost)")

// DefaultWait is how long a request waits, by default, for the flow to
// take its input before it is answered 503.
const DefaultWait = time.Second

// Config configures a [Source].
type Config struct {
	// Addr is the address to listen on ("127.0.0.1:8080"; port 0 picks
	// one, see Source.Addr).
	Addr string
	// Path is the one path the source answers ("/orders"); "" or "/" for
	// any.
	Path string
	// Token, when set, is required of every request as
	// "Authorization: Bearer TOKEN" (compared in constant time).
	Token string
	// TLS, when set, serves HTTPS with its certificates. A non-loopback
	// Addr needs both TLS and Token.
	TLS *tls.Config
	// Wait bounds how long a request waits for the flow to take its
	// input; DefaultWait if zero.
	Wait time.Duration
	// Decoding are the options bodies are decoded with (jsonl.Check for
	// declared input types, size limits).
	Decoding []jsonl.Option
}

// ParseURL reads http://HOST:PORT/PATH (or https://) into a Config.
func ParseURL(url string) (Config, error) {
	u, err := neturl.Parse(url)
	if err != nil {
		return Config{}, fmt.Errorf("httpin: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Config{}, fmt.Errorf("httpin: %q: want http://HOST:PORT/PATH", u.Redacted())
	}
	if u.User != nil || u.RawQuery != "" {
		return Config{}, fmt.Errorf("httpin: %q: no user or query: the token comes from the environment", u.Redacted())
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return Config{}, fmt.Errorf("httpin: %q: want HOST:PORT: %w", u.Redacted(), err)
	}
	return Config{Addr: u.Host, Path: u.Path}, nil
}

func (c Config) check() error {
	if c.TLS != nil && c.Token != "" {
		return nil
	}
	if !httpserve.IsLoopbackHost(c.Addr) {
		return fmt.Errorf("%w: %q", ErrNotLoopback, c.Addr)
	}
	return nil
}
