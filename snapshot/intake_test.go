package snapshot

import (
	"context"
	"sync"
	"testing"
)

type stub struct{ s Snapshot }

func (s stub) Snapshot() Snapshot                           { return s.s }
func (stub) Pause(context.Context) error                    { return nil }
func (stub) Resume(context.Context) error                   { return nil }
func (stub) Replay(context.Context, ...uint64) (int, error) { return 0, nil }
func (stub) Drain(context.Context) error                    { return nil }

func TestIntakeCountsShowInTheSnapshot(t *testing.T) {
	var in Intake
	src := in.Wrap(stub{Snapshot{Flow: "orders", Totals: Totals{Admitted: 5}}})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 100 {
				in.Read()
				if i%10 == 0 {
					in.Malformed()
				}
			}
		})
	}
	wg.Wait()
	s := src.Snapshot()
	if s.Totals.Read != 400 || s.Totals.Malformed != 40 || s.Totals.Admitted != 5 || s.Flow != "orders" {
		t.Fatalf("totals %+v", s.Totals)
	}
}
