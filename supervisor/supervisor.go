package supervisor

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
)

// Supervisor applies a Spec to an ordered list of children. Build it with
// New; the children's order is their start order.
//
// All methods are safe for concurrent use. Restarts are serialized: while
// one Failed call backs off and restarts children, the others wait. Stats
// never waits for a restart.
type Supervisor struct {
	name      string
	spec      Spec
	children  []Child
	index     map[string]int
	intensity *intensity

	restartMu sync.Mutex // held by Failed, Start and Stop for their whole run

	mu        sync.Mutex // guards the fields below
	gen       []uint64   // per child: bumped on every successful Start
	failures  []int
	restarts  []int
	streak    []int // per child: restarts since it last recovered; drives the backoff
	stopErrs  []int
	total     int
	escalated *EscalationError

	// Hooks replaced by tests; set before first use.
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error
	waiting func() // called by Failed after it noted the child's generation
}

var _ Child = (*Supervisor)(nil)

// New returns a supervisor named name over children, given in start order,
// with spec.WithDefaults(). The children are assumed to be running already
// (the runtime started them); New does not start them. It panics on a nil
// child, an empty child name or a name used twice, since Failed could not
// tell those children apart.
func New(name string, spec Spec, children ...Child) *Supervisor {
	spec = spec.WithDefaults()
	s := &Supervisor{
		name:      name,
		spec:      spec,
		children:  children,
		index:     make(map[string]int, len(children)),
		intensity: newIntensity(spec.MaxRestarts, spec.Within),
		gen:       make([]uint64, len(children)),
		failures:  make([]int, len(children)),
		restarts:  make([]int, len(children)),
		streak:    make([]int, len(children)),
		stopErrs:  make([]int, len(children)),
		now:       time.Now,
		sleep:     backoff.Sleep,
	}
	for i, c := range children {
		if c == nil {
			panic(fmt.Sprintf("supervisor.New(%q): child %d is nil", name, i))
		}
		n := c.Name()
		if n == "" {
			panic(fmt.Sprintf("supervisor.New(%q): child %d has an empty name", name, i))
		}
		if _, dup := s.index[n]; dup {
			panic(fmt.Sprintf("supervisor.New(%q): two children named %q", name, n))
		}
		s.index[n] = i
	}
	return s
}

// Name returns the supervisor's name. It makes a *Supervisor a Child.
func (s *Supervisor) Name() string { return s.name }

// Spec returns the supervisor's Spec with its defaults filled in.
func (s *Supervisor) Spec() Spec { return s.spec }

// Failed reports that child failed with cause and restarts children as the
// strategy says. It blocks until the restart is done and returns nil then.
//
// Each restart is recorded against the restart intensity first; the one that
// exceeds it restarts nothing and returns an *EscalationError (matching
// ErrEscalated and cause), and the supervisor stays escalated: every later
// Failed returns that same error until Start is called (a parent supervisor
// restarting this one does so). Otherwise Failed waits
// Spec.Backoff.Delay(n), n being the child's restarts since it last
// recovered (see Recovered; a window with no restart counts as recovered),
// this one included, and never more than Within/(2·MaxRestarts) (see
// Spec.Backoff), then stops the affected children in reverse start order and
// starts them in start order. A Start that fails is another failure of that
// child: it is recorded, backed off and restarted the same way, until it
// succeeds or the intensity is exceeded; the escalation then carries that
// Start error as its cause, and the children from that one on are left
// stopped for the level above to deal with. Errors from Stop do not prevent
// the restart; they are counted in Stats.
//
// When ctx ends first, Failed returns an error matching ctx.Err() and the
// affected children may be left stopped. A failure reported while another
// restart of the same child was pending is covered by that restart, so
// Failed returns nil for it without spending the restart budget again.
// An unknown child name returns an error matching ErrUnknownChild.
func (s *Supervisor) Failed(ctx context.Context, child string, cause error) error {
	i, ok := s.index[child]
	if !ok {
		return fmt.Errorf("%w %q in supervisor %q", ErrUnknownChild, child, s.name)
	}
	s.mu.Lock()
	gen := s.gen[i]
	s.failures[i]++
	s.mu.Unlock()
	if s.waiting != nil {
		s.waiting()
	}

	s.restartMu.Lock()
	defer s.restartMu.Unlock()
	s.mu.Lock()
	escalated, covered := s.escalated, s.gen[i] != gen
	s.mu.Unlock()
	switch {
	case escalated != nil:
		return escalated
	case covered:
		return nil
	}
	return s.restart(ctx, i, cause)
}

// Recovered reports that child has worked since its last restart: its next
// restart backs off from Spec.Backoff's initial delay again. The backoff
// guards against a restart loop, so a service that fails now and then but
// works in between is restarted promptly each time; the restart intensity
// still bounds how often. An unknown name is ignored.
func (s *Supervisor) Recovered(child string) {
	if i, ok := s.index[child]; ok {
		s.mu.Lock()
		s.streak[i] = 0
		s.mu.Unlock()
	}
}

// restart runs the record, back off, stop, start loop. restartMu is held.
func (s *Supervisor) restart(ctx context.Context, failed int, cause error) error {
	for {
		name := s.children[failed].Name()
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("supervisor %q: restart of child %q abandoned: %w", s.name, name, err)
		}
		now := s.now()
		if s.intensity.Used(now) == 0 { // no restart within the window: healthy since
			s.mu.Lock()
			s.streak[failed] = 0
			s.mu.Unlock()
		}
		if !s.intensity.Record(now) {
			err := &EscalationError{
				Supervisor: s.name,
				Child:      name,
				Restarts:   s.intensity.Used(now),
				Within:     s.spec.Within,
				Err:        cause,
			}
			s.mu.Lock()
			s.escalated = err
			s.mu.Unlock()
			return err
		}
		s.mu.Lock()
		s.total++
		s.streak[failed]++
		streak := s.streak[failed]
		s.mu.Unlock()
		if err := s.sleep(ctx, s.spec.restartDelay(streak)); err != nil {
			return fmt.Errorf("supervisor %q: restart of child %q abandoned during backoff: %w", s.name, name, err)
		}

		affected := s.spec.Strategy.Affected(failed, len(s.children))
		for j := len(affected) - 1; j >= 0; j-- {
			s.stopChild(ctx, affected[j])
		}
		k, err := s.startChildren(ctx, affected)
		if err == nil {
			return nil
		}
		s.mu.Lock()
		s.failures[k]++
		s.mu.Unlock()
		failed, cause = k, err
	}
}

// stopChild stops child i, counting (not returning) its error.
func (s *Supervisor) stopChild(ctx context.Context, i int) error {
	c := s.children[i]
	err := call(c.Name(), "Stop", func() error { return c.Stop(ctx) })
	if err != nil {
		s.mu.Lock()
		s.stopErrs[i]++
		s.mu.Unlock()
	}
	return err
}

// startChildren starts the children at idx in order and stops at the first
// error, returning the index of the child that failed to start.
func (s *Supervisor) startChildren(ctx context.Context, idx []int) (int, error) {
	for _, i := range idx {
		c := s.children[i]
		if err := call(c.Name(), "Start", func() error { return c.Start(ctx) }); err != nil {
			return i, err
		}
		s.mu.Lock()
		s.gen[i]++
		s.restarts[i]++
		s.mu.Unlock()
	}
	return -1, nil
}
