package supervisor

import "time"

// Stats is a plain-data picture of a supervisor, for gauges and the TUI.
type Stats struct {
	Name        string
	Strategy    Strategy
	MaxRestarts int           // restart budget per window (0: none allowed)
	Within      time.Duration // window length
	Used        int           // restarts inside the current window, 0..MaxRestarts
	Restarts    int           // restarts since New, each counted once however many children it touched
	Escalated   bool          // the supervisor gave up and has not been started again
	Children    []ChildStats  // in start order
}

// ChildStats counts what happened to one child.
type ChildStats struct {
	Name       string
	Failures   int // failures reported by Failed, plus Starts that failed
	Restarts   int // times the supervisor restarted it successfully
	StopErrors int // Stops that returned an error (the restart went on)
}

// Stats returns the current counters. It never waits for a restart in
// progress, and is cheap enough to poll.
func (s *Supervisor) Stats() Stats {
	maxRestarts, within := s.intensity.Limits()
	st := Stats{
		Name:        s.name,
		Strategy:    s.spec.Strategy,
		MaxRestarts: maxRestarts,
		Within:      within,
		Used:        s.intensity.Used(s.now()),
		Children:    make([]ChildStats, len(s.children)),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st.Restarts = s.total
	st.Escalated = s.escalated != nil
	for i, c := range s.children {
		st.Children[i] = ChildStats{
			Name:       c.Name(),
			Failures:   s.failures[i],
			Restarts:   s.restarts[i],
			StopErrors: s.stopErrs[i],
		}
	}
	return st
}
