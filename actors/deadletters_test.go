package actors

import (
	"errors"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
)

// A dead letter being replayed is not evicted by newer ones: when its replay
// is then cut short, it is still there (before, the ring evicted it and the
// input was lost).
func TestDeadLetterBeingReplayedIsNotEvicted(t *testing.T) {
	l := newLedger(1, 2)
	fail := func(n int) uint64 {
		c := flow.NewContext(map[string]any{"n": n})
		l.bury(flow.Result{Context: c, Status: flow.Failed, Err: errors.New("down")}, "s")
		return c.ID()
	}
	first, second := fail(1), fail(2)
	jobs, err := l.reserve(nil)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("reserve = %v, %v", jobs, err)
	}
	third := fail(3) // the ring is full of letters being replayed
	l.unreserve(jobs)
	dead, _ := l.deadLetters()
	ids := map[uint64]bool{}
	for _, dl := range dead {
		ids[dl.ID] = true
	}
	for _, id := range []uint64{first, second, third} {
		if !ids[id] {
			t.Fatalf("dead letter %d lost; have %+v", id, dead)
		}
	}
	fail(4) // now nothing is being replayed: the oldest goes, back to the cap
	if dead, evicted := l.deadLetters(); len(dead) != 2 || evicted != 2 {
		t.Fatalf("%d dead letters, %d evicted; want 2 and 2", len(dead), evicted)
	}
}
