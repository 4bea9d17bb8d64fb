package kafka

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Config says where a Source or Sink connects. Its zero value is not
// usable: Brokers and Topic are required (a Source also needs Group).
type Config struct {
	Brokers []string // host:port of one or more seed brokers
	Topic   string
	Group   string // consumer group (Source only)
	// Latest makes a new group start at the end of the topic instead of
	// its beginning.
	Latest bool
	// SessionTimeout is how long the group waits for a silent member
	// before it moves its partitions to the others (0: franz-go's 45 s).
	SessionTimeout time.Duration
	// Window bounds the records a Source hands out and has not yet
	// committed (0: stream.DefaultWindow; set it to
	// stream.WindowFor the runtime's MaxInFlight): a crash makes the group redo at most that many.
	Window int
	// RevokeWait bounds how long a Source whose partitions are revoked
	// waits for their records in flight to finish, to commit them before
	// the new owner starts (0: 10 s; flowrun uses --drain-timeout).
	RevokeWait time.Duration
	TLS        *tls.Config // nil: plaintext
	// Decoding configures how record values are decoded (limits, checks).
	Decoding []jsonl.Option
	SASL     sasl.Mechanism // nil: none
	// Logger gets the connector's warnings (a lost cluster, a failed
	// commit); nil: slog.Default().
	Logger *slog.Logger
}

func (c Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// ErrURL is the error of a URL that is not kafka://HOST:PORT[,HOST:PORT...]/TOPIC?...
var ErrURL = errors.New("kafka: bad URL")

// ParseURL parses
// kafka://HOST:PORT[,HOST:PORT...]/TOPIC?group=NAME&start=earliest|latest&session_timeout=DURATION.
// Credentials never come from the URL (it is shown in logs): see
// [Credentials].
func ParseURL(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "kafka" {
		return Config{}, fmt.Errorf("%w: want kafka://HOST:PORT/TOPIC", ErrURL)
	}
	if u.User != nil {
		return Config{}, fmt.Errorf("%w: credentials go in flags or environment variables, not the URL", ErrURL)
	}
	c := Config{Topic: strings.Trim(u.Path, "/"), Group: u.Query().Get("group")}
	for _, b := range strings.Split(u.Host, ",") {
		if b != "" {
			c.Brokers = append(c.Brokers, b)
		}
	}
	if len(c.Brokers) == 0 || c.Topic == "" || strings.Contains(c.Topic, "/") {
		return Config{}, fmt.Errorf("%w: want kafka://HOST:PORT[,HOST:PORT...]/TOPIC", ErrURL)
	}
	switch start := u.Query().Get("start"); start {
	case "", "earliest":
	case "latest":
		c.Latest = true
	default:
		return Config{}, fmt.Errorf("%w: start=%q: want earliest or latest", ErrURL, start)
	}
	if st := u.Query().Get("session_timeout"); st != "" {
		d, err := time.ParseDuration(st)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("%w: session_timeout=%q: want a duration such as 10s", ErrURL, st)
		}
		c.SessionTimeout = d
	}
	return c, nil
}

// Credentials sets SASL from a mechanism name (PLAIN, SCRAM-SHA-256,
// SCRAM-SHA-512), a user and a password; an empty mechanism leaves SASL
// off.
func (c *Config) Credentials(mechanism, user, pass string) error {
	switch strings.ToUpper(mechanism) {
	case "":
		return nil
	case "PLAIN":
		c.SASL = plain.Auth{User: user, Pass: pass}.AsMechanism()
	case "SCRAM-SHA-256":
		c.SASL = scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()
	case "SCRAM-SHA-512":
		c.SASL = scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()
	default:
		return fmt.Errorf("kafka: SASL mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", mechanism)
	}
	return nil
}

func (c Config) String() string {
	return "kafka://" + strings.Join(c.Brokers, ",") + "/" + c.Topic
}

// common are the client options of both ends.
func (c Config) common() []kgo.Opt {
	opts := []kgo.Opt{kgo.SeedBrokers(c.Brokers...)}
	if c.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(c.TLS))
	}
	if c.SASL != nil {
		opts = append(opts, kgo.SASL(c.SASL))
	}
	return opts
}
