package snapshot

import (
	"strings"
	"testing"
	"time"
)

func TestIntakeRejectShowsEvents(t *testing.T) {
	var in Intake
	t0 := time.Now()
	src := in.Wrap(stub{Snapshot{Events: []Event{{Time: t0.Add(-time.Hour), Kind: EventRestart}, {Time: t0.Add(time.Hour), Kind: EventDrain}}}})
	for i := range maxRejected + 5 {
		in.Read()
		in.Reject(i+1, "invalid JSON")
	}
	s := src.Snapshot()
	if s.Totals.Malformed != maxRejected+5 || s.Totals.Read != maxRejected+5 {
		t.Fatalf("totals %+v", s.Totals)
	}
	if len(s.Events) != maxRejected+2 || s.Events[0].Kind != EventRestart || s.Events[len(s.Events)-1].Kind != EventDrain {
		t.Fatalf("%d events, first %v, last %v: want the malformed ones between, by time", len(s.Events), s.Events[0].Kind, s.Events[len(s.Events)-1].Kind)
	}
	if e := s.Events[1]; e.Kind != EventMalformed || !strings.HasPrefix(e.Message, "line 6: invalid JSON") {
		t.Errorf("oldest kept: %+v (the first 5 are dropped)", e)
	}
}
