package actors

import (
	"log/slog"
	"time"

	"github.com/serviceflow/serviceflow/supervisor"
)

// Option configures a Runtime; see Start.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (o optionFunc) apply(c *config) { o(c) }

type config struct {
	maxInFlight   int
	supervision   supervisor.Spec
	stageSpecs    map[string]supervisor.Spec
	deadLetterCap int
	eventCap      int
	batchSize     int
	logger        *slog.Logger
	affinity      string // default affinity key of pools without their own
	sampleEvery   time.Duration
}

func defaults() config {
	return config{
		maxInFlight:   1024,
		supervision:   supervisor.Spec{}.WithDefaults(),
		stageSpecs:    map[string]supervisor.Spec{},
		deadLetterCap: 1000,
		eventCap:      512,
		batchSize:     64,
		logger:        slog.Default(),
		sampleEvery:   time.Second,
	}
}

// MaxInFlight bounds the inputs admitted and not yet finished (default 1024):
// Submit blocks at the bound, so memory stays bounded however fast the
// source is.
func MaxInFlight(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxInFlight = n
		}
	})
}

// Supervision sets the flow's supervision: the strategy and restart intensity
// of the root supervisor, and the default for every stage (see
// supervisor.Spec; zero fields take its defaults: one-for-one, 20 restarts in
// 10 s, backoff 10 ms to 1 s but never above Within/(2·MaxRestarts) = 250 ms).
// A service failing every call (each failure within Within/(2·MaxRestarts)
// of its restart) makes its stage escalate within one window and the flow
// fail within two: 20 s with the defaults. How often one input is
// redelivered after its service failed is the flow's restart policy
// (flow.Policy), the same in flow.Run.
func Supervision(spec supervisor.Spec) Option {
	return optionFunc(func(c *config) { c.supervision = spec.WithDefaults() })
}

// StageSupervision overrides the supervision of one stage, by name.
func StageSupervision(stage string, spec supervisor.Spec) Option {
	return optionFunc(func(c *config) { c.stageSpecs[stage] = spec.WithDefaults() })
}

// DeadLetters sets how many Failed inputs are kept for inspection and replay
// (default 1000); older ones are evicted and counted, except those a Replay
// is still submitting, which stay until their inputs are admitted.
func DeadLetters(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.deadLetterCap = n
		}
	})
}

// Events sets the size of the ring of recent events (default 512).
func Events(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.eventCap = n
		}
	})
}

// BatchSize caps how many contexts one message between actors carries
// (default 64). An actor hands on what it processed at the end of each
// message it receives, so batches are as large as the bursts that arrive: a
// busy stream moves in batches, a quiet one one input at a time.
func BatchSize(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.batchSize = n
		}
	})
}

// Logger sets the logger for restarts, escalations and panics (default
// slog.Default()).
func Logger(l *slog.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}

// Affinity makes every stage with Concurrency > 1 and no flow.ByKey of its
// own route by the value of key, as flow.ByKey(key) would: inputs with the
// same value go to the same instance, in order; inputs without key are
// spread as usual. The stream connectors use
// it with stream.KeyValue, so records with the same key (a Kafka
// partition's ordering unit) keep their order through a concurrent flow.
func Affinity(key string) Option {
	return optionFunc(func(c *config) { c.affinity = key })
}
