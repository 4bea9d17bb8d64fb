// Package flowtest is the behaviour suite every way of running a flow must
// pass: the synchronous flow.Run and the actor runtime run the same cases, so
// the two modes cannot drift apart.
//
// A Runner processes inputs through a flow and returns their results in
// input order. Run(t, runner) runs every case as a subtest; Sequential is
// the Runner for flow.Run.
package flowtest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
)

// Runner runs inputs through f and returns one result per input, in input
// order. t is the subtest of the case: report problems of the runner itself
// (a runtime that does not start, an input with two results) on it.
type Runner func(t *testing.T, ctx context.Context, f *flow.Flow, inputs []map[string]any) []flow.Result

// testCase is one behaviour: a flow, its inputs, and a check of the results.
type testCase struct {
	Name   string
	Flow   func() *flow.Flow
	Inputs []map[string]any
	Check  func(t *testing.T, results []flow.Result)
}

// fastPolicy keeps retry and restart backoffs short so the suite runs quickly.
var fastPolicy = flow.Policy{
	MaxAttempts: 3, Backoff: backoff.Exponential{Initial: time.Microsecond, Max: time.Millisecond},
	MaxRedeliveries: 3, RestartBackoff: backoff.Exponential{Initial: time.Microsecond, Max: time.Millisecond},
}

// Run runs every case of the suite against run.
func Run(t *testing.T, run Runner) {
	for _, c := range allCases() {
		t.Run(c.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res := run(t, ctx, c.Flow(), c.Inputs)
			if len(res) != len(c.Inputs) {
				t.Fatalf("got %d results for %d inputs", len(res), len(c.Inputs))
			}
			c.Check(t, res)
		})
	}
}

// increment adds By to key N: the seed's InplaceModification.
type increment struct{ By int }

// Call implements flow.Service.
func (s increment) Call(_ context.Context, c *flow.Context) error {
	n, err := flow.Value[int](c, "n")
	if err != nil {
		return err
	}
	c.Set("n", n+s.By)
	return nil
}

// tag appends its name to the "trail" key, to show which services ran.
type tag string

// Name is the stage name (see flow.NameOf).
func (s tag) Name() string { return string(s) }

// Call implements flow.Service.
func (s tag) Call(_ context.Context, c *flow.Context) error {
	trail, _ := c.Get("trail")
	t, _ := trail.(string)
	if t != "" {
		t += ","
	}
	c.Set("trail", t+string(s))
	return nil
}

func fail(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Errorf(format, args...)
}

// expect checks one result's status, error and some values.
func expect(t *testing.T, r flow.Result, status flow.Status, errIs error, values map[string]any) {
	t.Helper()
	if r.Status != status {
		fail(t, "status = %v (err %v), want %v", r.Status, r.Err, status)
	}
	if errIs == nil && status == flow.Done && r.Err != nil {
		fail(t, "err = %v, want nil", r.Err)
	}
	if status != flow.Done && r.Err == nil {
		fail(t, "status %v without an error", status)
	}
	if errIs != nil && !errors.Is(r.Err, errIs) {
		fail(t, "err = %v, want one matching %v", r.Err, errIs)
	}
	if r.Context == nil {
		fail(t, "result has no context")
		return
	}
	for k, want := range values {
		got, ok := r.Context.Get(k)
		if want == nil {
			if ok {
				fail(t, "key %q = %v, want it unset", k, got)
			}
			continue
		}
		if !ok || !reflect.DeepEqual(got, want) {
			fail(t, "key %q = %#v (set %v), want %#v", k, got, ok, want)
		}
	}
}

func stageOf(t *testing.T, r flow.Result) *flow.StageError {
	t.Helper()
	var se *flow.StageError
	if !errors.As(r.Err, &se) {
		t.Fatalf("err %v (%T) is not a *flow.StageError", r.Err, r.Err)
	}
	return se
}

// recorder is a decorator that records the error its After saw under key
// "seen" and, when Handle is set, handles it.
type recorder struct {
	Label  string
	Handle bool
}

// Name is the stage name (see flow.NameOf).
func (d recorder) Name() string { return "recorder-" + d.Label }

// Before implements flow.Decorator.
func (d recorder) Before(_ context.Context, c *flow.Context) error {
	tag("before-"+d.Label).Call(context.Background(), c)
	return nil
}

// After implements flow.Decorator.
func (d recorder) After(_ context.Context, c *flow.Context, err error) error {
	tag("after-"+d.Label).Call(context.Background(), c)
	if err != nil {
		c.Set("seen-"+d.Label, err.Error())
		if d.Handle {
			return nil
		}
	}
	return err
}

// lifecycle counts Start and Stop calls and fails (Fatal) while Poison says so.
type lifecycle struct {
	name          string
	starts, stops atomic.Int32
	fatalLeft     atomic.Int32 // calls left that return Fatal
	poison        bool         // always Fatal
	panics        bool         // panic instead of returning Fatal
}

func (l *lifecycle) Name() string                { return l.name }
func (l *lifecycle) Start(context.Context) error { l.starts.Add(1); return nil }
func (l *lifecycle) Stop(context.Context) error  { l.stops.Add(1); return nil }
func (l *lifecycle) Call(_ context.Context, c *flow.Context) error {
	if l.poison || l.fatalLeft.Add(-1) >= 0 {
		if l.panics {
			panic("boom")
		}
		return flow.Fatal(errors.New("connection lost"))
	}
	c.Set("ok", true)
	return nil
}

func one(kv ...any) []map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return []map[string]any{m}
}

// allCases returns the suite.
func allCases() []testCase {
	var cases []testCase
	add := func(c testCase) { cases = append(cases, c) }

	add(testCase{
		Name:   "chain updates and adds keys",
		Flow:   func() *flow.Flow { return flow.New(increment{By: 1}, increment{By: 10}.asNamed("ten"), tag("last")) },
		Inputs: one("n", 1, "keep", "x"),
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"n": 12, "keep": "x", "trail": "last"})
		},
	})
	add(testCase{
		Name: "function service",
		Flow: func() *flow.Flow {
			return flow.New(flow.Func("double", func(_ context.Context, c *flow.Context) error {
				n, err := flow.Value[int](c, "n")
				c.Set("n", 2*n)
				return err
			}))
		},
		Inputs: one("n", 21),
		Check:  func(t *testing.T, r []flow.Result) { expect(t, r[0], flow.Done, nil, map[string]any{"n": 42}) },
	})
	forkFlow := func() *flow.Flow {
		return flow.New(
			tag("start"),
			flow.Fork("kind", flow.Branches{
				"a": flow.New(tag("a1"), tag("a2")),
				"b": flow.New(tag("b1")),
			}),
			tag("join"),
		)
	}
	add(testCase{
		Name:   "fork routes and joins",
		Flow:   forkFlow,
		Inputs: []map[string]any{{"kind": "a"}, {"kind": "b"}},
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"trail": "start,a1,a2,join"})
			expect(t, r[1], flow.Done, nil, map[string]any{"trail": "start,b1,join"})
		},
	})
	add(testCase{
		Name:   "fork without branch fails with key and value",
		Flow:   forkFlow,
		Inputs: []map[string]any{{"kind": "zzz"}, {}},
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Failed, flow.ErrNoBranch, map[string]any{"trail": "start"})
			if msg := r[0].Err.Error(); !strings.Contains(msg, `"kind"`) || !strings.Contains(msg, `"zzz"`) {
				t.Errorf("message %q should name the key and the value", msg)
			}
			if se := stageOf(t, r[0]); se.Stage != "fork(kind)" {
				t.Errorf("stage = %q, want fork(kind)", se.Stage)
			}
			expect(t, r[1], flow.Failed, flow.ErrNoBranch, nil)
		},
	})
	add(testCase{
		Name: "fork default and non-string values",
		Flow: func() *flow.Flow {
			return flow.New(flow.Fork("kind", flow.Branches{"1": flow.New(tag("one")), true: flow.New(tag("yes"))},
				flow.Default(flow.New(tag("other")))), tag("join"))
		},
		Inputs: []map[string]any{{"kind": 1}, {"kind": true}, {"kind": "x"}},
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"trail": "one,join"})
			expect(t, r[1], flow.Done, nil, map[string]any{"trail": "yes,join"})
			expect(t, r[2], flow.Done, nil, map[string]any{"trail": "other,join"})
		},
	})
	add(testCase{
		Name: "stop ends early and is not a failure",
		Flow: func() *flow.Flow {
			return flow.New(tag("a"), flow.Func("gate", func(_ context.Context, c *flow.Context) error {
				if v, _ := c.Get("valid"); v != true {
					return flow.Stop("invalid order")
				}
				return nil
			}), tag("b"))
		},
		Inputs: []map[string]any{{"valid": false}, {"valid": true}},
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Stopped, flow.ErrStopped, map[string]any{"trail": "a"})
			if se := stageOf(t, r[0]); se.Stage != "gate" {
				t.Errorf("stage = %q, want gate", se.Stage)
			}
			expect(t, r[1], flow.Done, nil, map[string]any{"trail": "a,b"})
		},
	})
	failing := flow.Func("charge", func(context.Context, *flow.Context) error { return errors.New("card declined") })
	add(testCase{
		Name: "decorator turns a downstream error into a key",
		Flow: func() *flow.Flow {
			return flow.New(tag("a"), flow.Around(recorder{Label: "x", Handle: true}), tag("b"), failing, tag("c"))
		},
		Inputs: one(),
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"trail": "a,before-x,b,after-x"})
			if s, _ := r[0].Context.Get("seen-x"); !strings.Contains(fmt.Sprint(s), "card declined") {
				t.Errorf("seen-x = %v", s)
			}
		},
	})
	add(testCase{
		Name:   "unhandled error passes through the decorator",
		Flow:   func() *flow.Flow { return flow.New(flow.Around(recorder{Label: "x"}), failing, tag("never")) },
		Inputs: one(),
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Failed, nil, map[string]any{"trail": "before-x,after-x"})
			if se := stageOf(t, r[0]); se.Stage != "charge" || !strings.Contains(se.Error(), "card declined") {
				t.Errorf("err = %v, want charge's", se)
			}
		},
	})
	add(testCase{
		Name: "nested decorators unwind innermost first",
		Flow: func() *flow.Flow {
			return flow.New(flow.Around(recorder{Label: "outer", Handle: true}), tag("a"),
				flow.Around(recorder{Label: "inner"}), tag("b"), failing)
		},
		Inputs: one(),
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"trail": "before-outer,a,before-inner,b,after-inner,after-outer"})
			for _, k := range []string{"seen-inner", "seen-outer"} {
				if _, ok := r[0].Context.Get(k); !ok {
					t.Errorf("%s not set", k)
				}
			}
		},
	})
	add(testCase{
		Name: "decorator inside a branch wraps the rest of the branch only",
		Flow: func() *flow.Flow {
			return flow.New(flow.Fork("kind", flow.Branches{
				"a": flow.New(flow.Around(recorder{Label: "br"}), tag("a1")),
			}), tag("join"))
		},
		Inputs: one("kind", "a"),
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"trail": "before-br,a1,after-br,join"})
		},
	})
	add(testCase{
		Name: "decorator sees success and a stop",
		Flow: func() *flow.Flow {
			return flow.New(flow.Around(recorder{Label: "x"}), flow.Func("halt", func(context.Context, *flow.Context) error { return flow.Stop("enough") }))
		},
		Inputs: one(),
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Stopped, flow.ErrStopped, map[string]any{"trail": "before-x,after-x"})
		},
	})
	add(testCase{
		Name: "retry starts again from the original values",
		Flow: func() *flow.Flow {
			var calls atomic.Int32
			return flow.New(increment{By: 1}, tag("t"), flow.Func("flaky", func(_ context.Context, c *flow.Context) error {
				if calls.Add(1) < 3 {
					return flow.Retry(errors.New("timeout"))
				}
				c.Set("attempt", c.Attempt())
				return nil
			})).WithPolicy(fastPolicy)
		},
		Inputs: one("n", 1),
		Check: func(t *testing.T, r []flow.Result) {
			// n was incremented once per attempt, but from the original 1 each time.
			expect(t, r[0], flow.Done, nil, map[string]any{"n": 2, "trail": "t", "attempt": 3})
		},
	})
	add(testCase{
		Name: "exhausted retries fail with the last error and attempt",
		Flow: func() *flow.Flow {
			return flow.New(flow.Func("flaky", func(_ context.Context, c *flow.Context) error {
				return flow.Retry(fmt.Errorf("try %d", c.Attempt()))
			})).WithPolicy(fastPolicy)
		},
		Inputs: one(),
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Failed, flow.ErrRetry, nil)
			se := stageOf(t, r[0])
			if se.Stage != "flaky" || se.Attempt != 3 || !strings.Contains(se.Error(), "try 3") {
				t.Errorf("err = %v (stage %q attempt %d), want flaky's third", se, se.Stage, se.Attempt)
			}
			if r[0].Context.Attempt() != 3 {
				t.Errorf("context attempt = %d, want 3", r[0].Context.Attempt())
			}
		},
	})
	for _, panics := range []bool{false, true} {
		kind := map[bool]string{false: "fatal", true: "panic"}[panics]
		var svc *lifecycle
		add(testCase{
			Name: kind + " restarts the service and redelivers the input",
			Flow: func() *flow.Flow {
				svc = &lifecycle{name: "db", panics: panics}
				svc.fatalLeft.Store(2)
				return flow.New(tag("a"), svc, tag("b")).WithPolicy(fastPolicy)
			},
			Inputs: one(),
			Check: func(t *testing.T, r []flow.Result) {
				expect(t, r[0], flow.Done, nil, map[string]any{"ok": true, "trail": "a,b"})
				// Both runners stop services when they finish (Run's runner calls f.Stop).
				if s, st := svc.starts.Load(), svc.stops.Load(); s != 3 || st != 3 {
					t.Errorf("starts=%d stops=%d, want 3 and 3 (first start, 2 restarts, final stop)", s, st)
				}
			},
		})
		var poison *lifecycle
		add(testCase{
			Name: "poison input is failed after the redelivery limit (" + kind + ")",
			Flow: func() *flow.Flow {
				poison = &lifecycle{name: "db", poison: true, panics: panics}
				return flow.New(poison).WithPolicy(fastPolicy)
			},
			Inputs: one(),
			Check: func(t *testing.T, r []flow.Result) {
				expect(t, r[0], flow.Failed, flow.ErrFatal, nil)
				if se := stageOf(t, r[0]); se.Stage != "db" {
					t.Errorf("stage = %q", se.Stage)
				}
				if panics {
					var pe *flow.PanicError
					if !errors.As(r[0].Err, &pe) || pe.Value != "boom" {
						t.Errorf("err = %v, want a *flow.PanicError carrying boom", r[0].Err)
					}
				}
				// Every Fatal restarts the service: 4 calls (the first and 3
				// redeliveries), 4 restarts, then the final stop.
				if s, st := poison.starts.Load(), poison.stops.Load(); s != 5 || st != 5 {
					t.Errorf("starts=%d stops=%d, want 5 and 5 (first start, a restart after each of 4 calls, final stop)", s, st)
				}
			},
		})
	}
	add(testCase{
		Name: "typed service binds and merges by tag",
		Flow: func() *flow.Flow {
			type in struct {
				Price float64 `flow:"price"`
				Qty   int     `flow:"qty"`
				Note  string  `flow:"note,optional"`
			}
			type out struct {
				Total float64 `flow:"total"`
			}
			return flow.New(flow.Typed("total", func(_ context.Context, i in) (out, error) {
				return out{Total: i.Price * float64(i.Qty)}, nil
			}))
		},
		Inputs: []map[string]any{{"price": 2.5, "qty": 4}, {"price": 2, "qty": 3.0}, {"price": 1.0, "qty": "x"}, {"qty": 1}},
		Check: func(t *testing.T, r []flow.Result) {
			expect(t, r[0], flow.Done, nil, map[string]any{"total": 10.0})
			expect(t, r[1], flow.Done, nil, map[string]any{"total": 6.0})
			expect(t, r[2], flow.Failed, flow.ErrWrongType, map[string]any{"total": nil})
			if msg := r[2].Err.Error(); !strings.Contains(msg, `"qty"`) || !strings.Contains(msg, "int") || !strings.Contains(msg, "string") || !strings.Contains(msg, `"total"`) {
				t.Errorf("message %q should name the service, key, wanted and found type", msg)
			}
			expect(t, r[3], flow.Failed, flow.ErrMissingKey, nil)
		},
	})
	add(testCase{
		Name: "many inputs keep order with concurrency 1",
		Flow: func() *flow.Flow { return flow.New(increment{By: 1}, increment{By: 1}.asNamed("again")) },
		Inputs: func() []map[string]any {
			in := make([]map[string]any, 200)
			for i := range in {
				in[i] = map[string]any{"n": i}
			}
			return in
		}(),
		Check: func(t *testing.T, r []flow.Result) {
			for i, res := range r {
				expect(t, res, flow.Done, nil, map[string]any{"n": i + 2})
			}
		},
	})
	cases = append(cases, restartCases()...)
	cases = append(cases, edgeCases()...)
	return append(cases, batchCases()...)
}

// asNamed gives an increment its own stage name.
func (s increment) asNamed(name string) flow.Service { return flow.Stage(s, flow.Name(name)) }

// Sequential is the Runner for flow.Run: one input after another, then
// f.Stop to release the services, as a stream runtime does when it drains.
func Sequential(t *testing.T, ctx context.Context, f *flow.Flow, inputs []map[string]any) []flow.Result {
	out := make([]flow.Result, len(inputs))
	for i, in := range inputs {
		c, err := f.Run(ctx, in)
		out[i] = flow.Result{Context: c, Err: err, Status: statusOf(err)}
	}
	if err := f.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
	return out
}

// statusOf maps Run's error to a status.
func statusOf(err error) flow.Status {
	switch {
	case err == nil:
		return flow.Done
	case errors.Is(err, flow.ErrStopped):
		return flow.Stopped
	}
	return flow.Failed
}
