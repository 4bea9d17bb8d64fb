package flow

import (
	"context"
	"fmt"
	"time"
)

// StageOption configures a stage; see Stage (and Fork, which takes Name and
// Default).
type StageOption func(*stageConfig)

// stageConfig is what Stage options set; users set it through the options.
type stageConfig struct {
	Name        string        // stage name; default NameOf(service)
	Concurrency int           // instances running at once; default 1
	Timeout     time.Duration // per-call deadline; 0 for none
	Expects     []string      // keys read, for Validate; default from the service
	Promises    []string      // keys written, for Validate; default from the service
	AffinityKey string        // with Concurrency > 1: same value, same instance
	Default     *Flow         // a fork's flow for values no branch takes
	BatchSize   int           // inputs per batched call; 0: not batched
	BatchWait   time.Duration // wait for a batch to fill; 0: the default, < 0: none
	// New builds a fresh instance of the service. It is set by Build; a runtime
	// calls it for each instance of a pool and again after each restart.
	New func() (Service, error)
}

// Name sets the stage name shown in errors, events and the monitor.
func Name(name string) StageOption { return func(c *stageConfig) { c.Name = name } }

// Concurrency runs n instances of the service at once (n < 1 means 1). The
// service must be safe for concurrent use unless it was made with Build, which
// builds one instance per worker.
func Concurrency(n int) StageOption {
	return func(c *stageConfig) { c.Concurrency = max(n, 1) }
}

// Timeout bounds each call: the service's ctx is cancelled after d, and a call
// that runs out of time is retried (its error matches ErrRetry and
// context.DeadlineExceeded, whatever the service returned once its ctx was
// done).
// A call that ignores its ctx does not hold the input past d: a short grace
// later (d/4, between 10 and 100 ms) it is abandoned, its goroutine left to
// end when the call returns. The input goes on with its values as they were
// before the call and the service is restarted (Stop, then Start, or a new
// Build), like after Fatal; Stop may run while the abandoned call still does.
// Each call of a stage with a Timeout runs in a goroutine of its own and
// copies the input's values once.
func Timeout(d time.Duration) StageOption { return func(c *stageConfig) { c.Timeout = d } }

// Expects declares keys the service reads, for Validate. A service with
// declared keys (even none) is checked; one without might set any key.
func Expects(keys ...string) StageOption {
	return func(c *stageConfig) { c.Expects = append(nonNil(c.Expects), keys...) }
}

// Promises declares keys the service writes, for Validate.
func Promises(keys ...string) StageOption {
	return func(c *stageConfig) { c.Promises = append(nonNil(c.Promises), keys...) }
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ByKey routes inputs with the same value of key to the same instance when
// the stage runs with Concurrency(n), so per-key order holds.
func ByKey(key string) StageOption { return func(c *stageConfig) { c.AffinityKey = key } }

// Stage wraps a service with options: Name, Concurrency, Timeout, Expects,
// Promises, ByKey, and for a service that takes batches MaxBatch and MaxWait. The result is a Service, so it composes like any other.
func Stage(s Service, opts ...StageOption) Service {
	st := &stage{svc: s}
	if inner, ok := s.(*stage); ok { // Stage of a Stage: options add up
		st.svc, st.cfg = inner.svc, inner.cfg
	}
	for _, o := range opts {
		o(&st.cfg)
	}
	return st.service()
}

// Build makes a stage whose service is built by build: once per instance when
// the stage starts, and anew after each restart. Use it for services that hold
// per-instance state such as a connection.
func Build(name string, build func() (Service, error), opts ...StageOption) Service {
	st := &stage{svc: pending(name), cfg: stageConfig{Name: name, New: build}}
	for _, o := range opts {
		o(&st.cfg)
	}
	return st.service()
}

// stage is a service with options. Its Call is its service's: the runtimes
// unwrap it and call the service itself.
type stage struct {
	node // call: svc.Call; the name is stageName's
	svc  Service
	cfg  stageConfig
}

// service is s as the Service that Stage and Build return.
func (s *stage) service() Service {
	s.call = func(ctx context.Context, c *Context) error { return s.svc.Call(ctx, c) }
	return s
}

// KeysOf is the context keys s declares it reads (expects) and writes
// (promises), and whether it declares them: by the Expects and Promises
// options, by Typed's struct tags, or by its own methods (KeyDeclarer).
// Validate checks the wiring of services that declare their keys; a service
// that does not (ok false) might read or set any key.
func KeysOf(s Service) (expects, promises []string, ok bool) {
	if st, isStage := s.(*stage); isStage {
		if st.cfg.Expects == nil && st.cfg.Promises == nil {
			s = st.svc
		} else {
			return st.expects(), st.promises(), true
		}
	}
	if d, isDeclarer := s.(KeyDeclarer); isDeclarer {
		return d.Expects(), d.Promises(), true
	}
	return nil, nil, false
}
func (s *stage) stageName() string {
	if s.cfg.Name != "" {
		return s.cfg.Name
	}
	return NameOf(s.svc)
}

func (s *stage) expects() []string {
	if s.cfg.Expects != nil {
		return s.cfg.Expects
	}
	if d, ok := s.svc.(KeyDeclarer); ok {
		return d.Expects()
	}
	return nil
}

func (s *stage) promises() []string {
	if s.cfg.Promises != nil {
		return s.cfg.Promises
	}
	if d, ok := s.svc.(KeyDeclarer); ok {
		return d.Promises()
	}
	return nil
}

// pending stands for a Build service before it is built: calling it is an
// error that says so.
func pending(name string) Service {
	return &node{name: name, call: func(context.Context, *Context) error {
		return fmt.Errorf("service %q was not built (Build services are built when their flow starts)", name)
	}}
}
