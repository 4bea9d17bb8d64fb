package flowtest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
)

// conn is a service holding a connection that a "poison" input breaks: the
// call fails Fatal, and every later call fails Fatal too until a restart
// (Start) opens a new connection. It counts starts, stops, the calls of each
// input and the calls that found the connection broken.
type conn struct {
	starts, stops atomic.Int32
	broken        atomic.Bool
	brokenCalls   atomic.Int32 // calls of a healthy input on a broken connection
	poisonCalls   atomic.Int32
}

func (s *conn) Name() string { return "conn" }

func (s *conn) Start(context.Context) error {
	s.starts.Add(1)
	s.broken.Store(false)
	return nil
}

func (s *conn) Stop(context.Context) error { s.stops.Add(1); return nil }

func (s *conn) Call(_ context.Context, c *flow.Context) error {
	if v, _ := c.Get("poison"); v == true {
		s.poisonCalls.Add(1)
		s.broken.Store(true)
		return flow.Fatal(errors.New("driver crashed"))
	}
	if s.broken.Load() {
		s.brokenCalls.Add(1)
		return flow.Fatal(errors.New("broken connection"))
	}
	c.Set("ok", true)
	return nil
}

// restartCases: both modes apply one restart policy the same way. Every
// Fatal error restarts the service, the last one too, so the input after a
// poison input finds a working service; MaxRedeliveries 0 means 3 and a
// negative one means none.
func restartCases() []testCase {
	var cases []testCase
	for _, tc := range []struct {
		max   int // Policy.MaxRedeliveries
		calls int32
	}{{max: 0, calls: 4}, {max: 3, calls: 4}, {max: 1, calls: 2}, {max: -1, calls: 1}} {
		var svc *conn
		cases = append(cases, testCase{
			Name: fmt.Sprintf("poison input with MaxRedeliveries %d: %d calls, a restart after each, the next input finds a working service", tc.max, tc.calls),
			Flow: func() *flow.Flow {
				svc = &conn{}
				return flow.New(svc).WithPolicy(flow.Policy{MaxRedeliveries: tc.max, RestartBackoff: fastPolicy.RestartBackoff})
			},
			Inputs: []map[string]any{{"poison": true}, {}, {}},
			Check: func(t *testing.T, r []flow.Result) {
				expect(t, r[0], flow.Failed, flow.ErrFatal, nil)
				expect(t, r[1], flow.Done, nil, map[string]any{"ok": true})
				expect(t, r[2], flow.Done, nil, map[string]any{"ok": true})
				if n := svc.poisonCalls.Load(); n != tc.calls {
					t.Errorf("the poison input was called %d times, want %d", n, tc.calls)
				}
				if n := svc.brokenCalls.Load(); n != 0 {
					t.Errorf("%d calls of healthy inputs found the connection the poison input broke; want 0: the service is restarted after the last failure too", n)
				}
				if s, st := svc.starts.Load(), svc.stops.Load(); s != tc.calls+1 || st != tc.calls+1 {
					t.Errorf("starts=%d stops=%d, want %d each (first start, a restart after each poison call, final stop)", s, st, tc.calls+1)
				}
			},
		})
	}
	return cases
}
