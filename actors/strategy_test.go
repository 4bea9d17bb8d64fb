package actors

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/supervisor"
)

// counted is a stage that counts its Starts and Stops and fails Fatal on its
// first fatalLeft calls.
type counted struct {
	name          string
	starts, stops atomic.Int32
	fatalLeft     atomic.Int32
}

func (s *counted) Name() string                { return s.name }
func (s *counted) Start(context.Context) error { s.starts.Add(1); return nil }
func (s *counted) Stop(context.Context) error  { s.stops.Add(1); return nil }
func (s *counted) Call(context.Context, *flow.Context) error {
	if s.fatalLeft.Add(-1) >= 0 {
		return flow.Fatal(errors.New("connection lost"))
	}
	return nil
}

// The flow's strategy acts across its stages, as in Erlang/OTP and as the
// docs say: one Fatal error in the middle stage restarts that stage only
// (one-for-one), every stage (all-for-one), or it and the stages after it
// (rest-for-one). Starts and stops count the first start, the restarts and
// the final stop.
func TestStrategyAcrossStages(t *testing.T) {
	for _, tc := range []struct {
		strategy supervisor.Strategy
		want     [3]int32 // starts (= stops) of first, middle, last
	}{
		{supervisor.OneForOne, [3]int32{1, 2, 1}},
		{supervisor.AllForOne, [3]int32{2, 2, 2}},
		{supervisor.RestForOne, [3]int32{1, 2, 2}},
	} {
		t.Run(tc.strategy.String(), func(t *testing.T) {
			stages := [3]*counted{{name: "first"}, {name: "middle"}, {name: "last"}}
			stages[1].fatalLeft.Store(1)
			spec := fastSupervision
			spec.Strategy = tc.strategy
			rt, err := Start(context.Background(), flow.New(stages[0], stages[1], stages[2]), Supervision(spec))
			if err != nil {
				t.Fatal(err)
			}
			res, _, err := collect(t, rt, numbered(3))
			if err != nil || len(res) != 3 {
				t.Fatalf("Drain: %v, %d results", err, len(res))
			}
			for _, r := range res {
				if r.Status != flow.Done {
					t.Errorf("input %v: %v %v, want done (redelivered after the restart)", r.Context, r.Status, r.Err)
				}
			}
			var got [3]int32
			for i, s := range stages {
				got[i] = s.starts.Load()
				if st := s.stops.Load(); st != got[i] {
					t.Errorf("%s: %d starts but %d stops", s.name, got[i], st)
				}
			}
			if got != tc.want {
				t.Errorf("starts of first, middle, last = %v, want %v", got, tc.want)
			}
			snap := rt.Snapshot()
			var restarts [3]uint64
			for _, st := range snap.Stages[:3] {
				for i, s := range stages {
					if st.Name == s.name {
						restarts[i] = st.Restarts
					}
				}
			}
			if fmt.Sprint(restarts) != fmt.Sprint([3]int32{tc.want[0] - 1, tc.want[1] - 1, tc.want[2] - 1}) {
				t.Errorf("snapshot restarts = %v, want one per restarted stage", restarts)
			}
		})
	}
}
