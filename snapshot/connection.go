package snapshot

import (
	"strings"
	"time"
)

// Connection is one of the flow's connections to a broker (its source's,
// a sink's) and whether it is up. A connection that is down is retried by
// its connector; the flow is DEGRADED meanwhile (see Snapshot.Degraded).
type Connection struct {
	Name string        `json:"name"` // which: "in", "out" or "dead-letters"
	Up   bool          `json:"up"`   // the broker answers
	Err  string        `json:"err"`  // why it is down; "" while up
	Lost int           `json:"lost"` // times it was lost since it opened
	Down time.Duration `json:"down"` // for how long in all (the current outage included)
}

// Connections makes the snapshots of Wrap list the connections that links
// returns, called once per snapshot (it must be safe for concurrent use and
// quick); while one is down, they say why in Degraded and a RUNNING flow is
// DEGRADED. nil stops listing them. Safe to call while snapshots are taken.
func (in *Intake) Connections(links func() []Connection) {
	if links == nil {
		in.connections.Store(nil)
		return
	}
	in.connections.Store(&links)
}

// links fills s's connections, and its Degraded reason and state from
// them.
func (in *Intake) links(s *Snapshot) {
	f := in.connections.Load()
	if f == nil {
		return
	}
	s.Connections = (*f)()
	in.changes(s.Connections)
	s.Degraded = Degradation(s.Connections)
	if s.Degraded != "" && s.State == Running {
		s.State = Degraded
	}
}

// changes keeps an EventBrokerLost or EventBrokerBack, with the
// events of Reject, for each connection whose state differs from the last
// snapshot's. A change between two snapshots that undoes itself is not
// seen; the connection's Lost count still has it.
func (in *Intake) changes(cs []Connection) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.down == nil {
		in.down = map[string]bool{}
	}
	for _, c := range cs {
		if in.down[c.Name] == !c.Up {
			continue
		}
		in.down[c.Name] = !c.Up
		e := Event{Time: time.Now(), Kind: EventBrokerBack, Message: c.Name + ": the broker answers again"}
		if !c.Up {
			e.Kind, e.Message = EventBrokerLost, c.Name+": "+c.Err+" (retrying)"
		}
		in.keep(e)
	}
}

// Degradation is why the connections down among cs are down, "name: err"
// joined by "; "; "" when all are up.
func Degradation(cs []Connection) string {
	var b strings.Builder
	for _, c := range cs {
		if c.Up {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.Name + ": " + c.Err)
	}
	return b.String()
}
