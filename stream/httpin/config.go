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

// MaxWait bounds Config.Wait (and the URL's wait=): a request that waits
// longer would outlive its client's patience and the server's timeouts.
const MaxWait = time.Minute

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
	// Wait bounds how long each input of a request (a single object, or
	// each line of an NDJSON body) waits for the flow to take it;
	// DefaultWait if zero, at most MaxWait.
	Wait time.Duration
	// Decoding are the options bodies are decoded with (jsonl.Check for
	// declared input types, size limits).
	Decoding []jsonl.Option

	onBusy func() // tests: told of each input refused for time
}

// ParseURL reads http://HOST:PORT/PATH[?wait=DURATION] (or https://) into
// a Config. wait (1ms to MaxWait, with a unit: 500ms, 2s) sets Config.Wait;
// no other query parameter is taken (the token comes from the environment).
func ParseURL(url string) (Config, error) {
	u, err := neturl.Parse(url)
	if err != nil {
		return Config{}, fmt.Errorf("httpin: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Config{}, fmt.Errorf("httpin: %q: want http://HOST:PORT/PATH", u.Redacted())
	}
	if u.User != nil {
		return Config{}, fmt.Errorf("httpin: %q: no user in the URL: the token comes from the environment", u.Redacted())
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return Config{}, fmt.Errorf("httpin: %q: want HOST:PORT: %w", u.Redacted(), err)
	}
	cfg := Config{Addr: u.Host, Path: u.Path}
	q, err := neturl.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, fmt.Errorf("httpin: %q: query: %w", u.Redacted(), err)
	}
	for k, vs := range q {
		if k != "wait" {
			return Config{}, fmt.Errorf("httpin: %q: unknown query parameter %q; known: wait (the token comes from the environment)", u.Redacted(), k)
		}
		if len(vs) != 1 {
			return Config{}, fmt.Errorf("httpin: %q: wait given %d times", u.Redacted(), len(vs))
		}
		d, err := time.ParseDuration(vs[0])
		if err != nil || d < time.Millisecond || d > MaxWait {
			return Config{}, fmt.Errorf("httpin: %q: wait=%q: want a duration from 1ms to %v, with a unit (wait=2s)", u.Redacted(), vs[0], MaxWait)
		}
		cfg.Wait = d
	}
	return cfg, nil
}

func (c Config) check() error {
	if c.Wait < 0 || c.Wait > MaxWait {
		return fmt.Errorf("httpin: Wait %v: want 0 (DefaultWait) to %v", c.Wait, MaxWait)
	}
	if c.TLS != nil && c.Token != "" {
		return nil
	}
	if !httpserve.IsLoopbackHost(c.Addr) {
		return fmt.Errorf("%w: %q", ErrNotLoopback, c.Addr)
	}
	return nil
}
