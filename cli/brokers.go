package cli

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	neturl "net/url"
	"os"
	"strings"

	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
	"github.com/serviceflow/serviceflow/stream/httpin"
	"github.com/serviceflow/serviceflow/stream/jetstream"
	"github.com/serviceflow/serviceflow/stream/kafka"
)

// Credentials and TLS for brokers come from the environment, never from
// the URL (which is shown in messages and the monitor).
const (
	envKafkaSASL = "FLOWRUN_KAFKA_SASL"     // PLAIN (default with a user), SCRAM-SHA-256, SCRAM-SHA-512
	envKafkaUser = "FLOWRUN_KAFKA_USER"     //
	envKafkaPass = "FLOWRUN_KAFKA_PASSWORD" //
	envKafkaTLS  = "FLOWRUN_KAFKA_TLS"      // 1: TLS with the system's roots

	envNATSUser  = "FLOWRUN_NATS_USER"
	envNATSPass  = "FLOWRUN_NATS_PASSWORD"
	envNATSToken = "FLOWRUN_NATS_TOKEN"
	envNATSTLS   = "FLOWRUN_NATS_TLS" // 1: TLS with the system's roots

	envHTTPToken = "FLOWRUN_HTTP_TOKEN"    // --in http://: required of every request
	envHTTPCert  = "FLOWRUN_HTTP_TLS_CERT" // --in http://: serve HTTPS with this certificate (PEM file)
	envHTTPKey   = "FLOWRUN_HTTP_TLS_KEY"  // and this key
)

// openBrokerSource opens a source URL.
// log (nil: slog.Default()) gets a broker connector's warnings.
func openBrokerSource(ctx context.Context, url string, lim sourceLimits, dec []jsonl.Option, log *slog.Logger) (stream.Source, error) {
	switch scheme(url) {
	case "kafka":
		cfg, err := kafkaConfig(url)
		if err != nil {
			return nil, usageError("run: --in: %v", err)
		}
		cfg.Decoding, cfg.Window, cfg.RevokeWait, cfg.Logger = dec, lim.window, lim.revokeWait, log
		src, err := kafka.NewSource(ctx, cfg)
		if err != nil {
			return nil, usageError("run: --in %s: %v", redact(url), err)
		}
		return src, nil
	case "nats":
		cfg, err := natsConfig(url)
		if err != nil {
			return nil, usageError("run: --in: %v", err)
		}
		cfg.Decoding, cfg.Window, cfg.Logger = dec, lim.window, log
		src, err := jetstream.NewSource(ctx, cfg)
		if err != nil {
			return nil, usageError("run: --in %s: %v", redact(url), err)
		}
		return src, nil
	case "http", "https":
		cfg, err := httpConfig(url)
		if err != nil {
			return nil, usageError("run: --in: %v", err)
		}
		cfg.Decoding = dec
		src, err := httpin.NewSource(cfg)
		if err != nil {
			return nil, usageError("run: --in %s: %v", redact(url), err)
		}
		return src, nil
	}
	return nil, usageError("run: --in %s: unknown scheme (want kafka://, nats:// or http://)", redact(url))
}

// openBrokerSink opens a sink URL.
func openBrokerSink(ctx context.Context, flag, url string, log *slog.Logger) (stream.Sink, error) {
	switch scheme(url) {
	case "kafka":
		cfg, err := kafkaConfig(url)
		if err != nil {
			return nil, usageError("run: %s: %v", flag, err)
		}
		cfg.Logger = log
		s, err := kafka.NewSink(ctx, cfg)
		if err != nil {
			return nil, usageError("run: %s %s: %v", flag, redact(url), err)
		}
		return s, nil
	case "nats":
		cfg, err := natsConfig(url)
		if err != nil {
			return nil, usageError("run: %s: %v", flag, err)
		}
		cfg.Logger = log
		s, err := jetstream.NewSink(ctx, cfg)
		if err != nil {
			return nil, usageError("run: %s %s: %v", flag, redact(url), err)
		}
		return s, nil
	case "http", "https":
		return nil, usageError("run: %s %s: http:// is for --in only (an ingress); results go to --out", flag, redact(url))
	}
	return nil, usageError("run: %s %s: unknown scheme (want kafka:// or nats://)", flag, redact(url))
}

func kafkaConfig(url string) (kafka.Config, error) {
	cfg, err := kafka.ParseURL(url)
	if err != nil {
		return cfg, err
	}
	user, mech := os.Getenv(envKafkaUser), os.Getenv(envKafkaSASL)
	if user != "" && mech == "" {
		mech = "PLAIN"
	}
	if err := cfg.Credentials(mech, user, os.Getenv(envKafkaPass)); err != nil {
		return cfg, err
	}
	if os.Getenv(envKafkaTLS) == "1" {
		cfg.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return cfg, nil
}

func natsConfig(url string) (jetstream.Config, error) {
	cfg, err := jetstream.ParseURL(url)
	if err != nil {
		return cfg, err
	}
	cfg.User, cfg.Password, cfg.Token = os.Getenv(envNATSUser), os.Getenv(envNATSPass), os.Getenv(envNATSToken)
	if os.Getenv(envNATSTLS) == "1" {
		cfg.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return cfg, nil
}

func httpConfig(url string) (httpin.Config, error) {
	cfg, err := httpin.ParseURL(url)
	if err != nil {
		return cfg, err
	}
	cfg.Token = os.Getenv(envHTTPToken)
	cert, key := os.Getenv(envHTTPCert), os.Getenv(envHTTPKey)
	if cert != "" || key != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return cfg, fmt.Errorf("%s/%s: %w", envHTTPCert, envHTTPKey, err)
		}
		cfg.TLS = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}
	}
	return cfg, nil
}

func scheme(url string) string {
	s, _, _ := strings.Cut(url, "://")
	return strings.ToLower(s)
}

// redact drops the user information from a URL, for messages.
func redact(s string) string {
	u, err := neturl.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}
