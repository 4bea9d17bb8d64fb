package snapshot

import (
	"slices"
	"testing"
)

// A connection down makes a running flow DEGRADED and says why; once all
// are up it runs again. A flow in another state keeps it.
func TestIntakeConnections(t *testing.T) {
	var in Intake
	up := []Connection{{Name: "in", Up: true}, {Name: "out", Up: true}}
	down := []Connection{{Name: "in", Err: "broker lost: eof", Lost: 1}, {Name: "out", Up: true}}
	links := up
	in.Connections(func() []Connection { return links })
	running := in.Wrap(stub{Snapshot{Flow: "f", State: Running}})
	if s := running.Snapshot(); s.State != Running || s.Degraded != "" || len(s.Connections) != 2 {
		t.Fatalf("all up: state %s, degraded %q, %d connections", s.State, s.Degraded, len(s.Connections))
	}
	links = down
	if s := running.Snapshot(); s.State != Degraded || s.Degraded != "in: broker lost: eof" {
		t.Fatalf("in down: state %s, degraded %q", s.State, s.Degraded)
	}
	draining := in.Wrap(stub{Snapshot{Flow: "f", State: Draining}})
	if s := draining.Snapshot(); s.State != Draining || s.Degraded == "" {
		t.Fatalf("draining, in down: state %s, degraded %q", s.State, s.Degraded)
	}
	links = up
	s := running.Snapshot()
	if s.State != Running || s.Degraded != "" {
		t.Fatalf("back up: state %s, degraded %q", s.State, s.Degraded)
	}
	// one event when it was lost (not one per snapshot), one when back
	var kinds []EventKind
	for _, e := range s.Events {
		kinds = append(kinds, e.Kind)
	}
	if !slices.Equal(kinds, []EventKind{EventBrokerLost, EventBrokerBack}) || s.Events[0].Message != "in: broker lost: eof (retrying)" {
		t.Fatalf("events %+v, want broker-lost then broker-back", s.Events)
	}
	in.Connections(nil)
	if s := running.Snapshot(); s.Connections != nil {
		t.Fatalf("connections after nil: %v", s.Connections)
	}
}
