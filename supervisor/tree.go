package supervisor

import (
	"context"
	"errors"
	"fmt"
)

// Start starts every child in start order, so that a *Supervisor can be the
// Child of another supervisor. It clears the escalated state but not the
// restart window: unlike Erlang/OTP, where a restarted supervisor begins
// with its whole budget, the budget here refills only as restarts leave the
// window, and a parent's restart of an escalated supervisor counts as one
// more restart in it (replacing the oldest when full). With a backoff
// between restarts, fresh budgets would multiply down the tree and a crash
// loop would never reach the top; this way, while the parent keeps
// restarting it faster than its intensity allows, each new failure escalates
// again at once, and the parent's own budget bounds the loop. When a child
// fails to start, the children already started are stopped again in reverse
// order and the error is returned.
func (s *Supervisor) Start(ctx context.Context) error {
	s.restartMu.Lock()
	defer s.restartMu.Unlock()
	s.mu.Lock()
	if s.escalated != nil {
		s.intensity.push(s.now())
	}
	s.escalated = nil
	s.mu.Unlock()
	for i, c := range s.children {
		err := call(c.Name(), "Start", func() error { return c.Start(ctx) })
		if err == nil {
			s.mu.Lock()
			s.gen[i]++
			s.mu.Unlock()
			continue
		}
		for j := i - 1; j >= 0; j-- {
			s.stopChild(ctx, j)
		}
		return fmt.Errorf("supervisor %q: start child %q: %w", s.name, c.Name(), err)
	}
	return nil
}

// Stop stops every child in reverse start order, even when some fail to
// stop, and returns their errors joined. It waits for a restart in progress.
func (s *Supervisor) Stop(ctx context.Context) error {
	s.restartMu.Lock()
	defer s.restartMu.Unlock()
	var errs []error
	for i := len(s.children) - 1; i >= 0; i-- {
		if err := s.stopChild(ctx, i); err != nil {
			errs = append(errs, fmt.Errorf("supervisor %q: stop child %q: %w", s.name, s.children[i].Name(), err))
		}
	}
	return errors.Join(errs...)
}
