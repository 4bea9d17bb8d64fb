package registry_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"reflect"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

func run(t *testing.T, f *flow.Flow, input map[string]any) (*flow.Context, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	defer f.Stop(ctx)
	return f.Run(ctx, input)
}

func get(t *testing.T, c *flow.Context, key string) any {
	t.Helper()
	v, ok := c.Get(key)
	if !ok {
		t.Fatalf("key %q not set in %v", key, c)
	}
	return v
}

func TestSet(t *testing.T) {
	s := build(t, "set", map[string]any{"values": map[string]any{"n": 1, "tags": []any{"a"}}})
	if e, p := keys(t, s); len(e) != 0 || !reflect.DeepEqual(p, []string{"n", "tags"}) {
		t.Errorf("keys = %v, %v", e, p)
	}
	c, err := run(t, flow.New(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	get(t, c, "tags").([]any)[0] = "changed"
	c, _ = run(t, flow.New(s), nil)
	if got := get(t, c, "tags").([]any)[0]; got != "a" {
		t.Errorf("a change in one input leaked into the next: %v", got)
	}
}

func TestExpr(t *testing.T) {
	s := build(t, "expr", map[string]any{"set": map[string]any{
		"total":  "price * qty",
		"label":  `upper(kind) + "-" + (coupon ?? "none")`,
		"double": "let d = qty * 2; d",
		"zero":   0,
	}})
	e, p := keys(t, s)
	if !reflect.DeepEqual(e, []string{"kind", "price", "qty"}) {
		t.Errorf("Expects = %v (coupon is optional, upper a function, d local)", e)
	}
	if !reflect.DeepEqual(p, []string{"double", "label", "total", "zero"}) {
		t.Errorf("Promises = %v", p)
	}
	c, err := run(t, flow.New(s), map[string]any{"price": 12.5, "qty": 2, "kind": "book"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"total": 25.0, "label": "BOOK-none", "double": 4, "zero": 0}
	for k, v := range want {
		if got := get(t, c, k); got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}

	// An int from JSON times an int stays an int.
	c, _ = run(t, flow.New(build(t, "expr", map[string]any{"set": map[string]any{"n": "a * b"}})), map[string]any{"a": 3, "b": 4})
	if got := get(t, c, "n"); got != 12 {
		t.Errorf("3*4 = %#v", got)
	}
}

func TestExprErrors(t *testing.T) {
	err := buildErr(t, "expr", map[string]any{"set": map[string]any{"total": "price * * qty"}}, registry.FlowInfo{})
	var pe *registry.ParamError
	if !errors.As(err, &pe) || pe.Param != "set" || pe.Key != "total" || pe.Line != 1 || pe.Column != 9 {
		t.Fatalf("err = %#v", err)
	}
	types := registry.FlowInfo{KeyTypes: map[string]any{"name": "", "qty": 0}}
	err = buildErr(t, "expr", map[string]any{"set": map[string]any{"x": "name * qty"}}, types)
	wantContains(t, err, `parameter "set", key "x"`, "invalid operation")
	err = buildErr(t, "expr", map[string]any{"set": map[string]any{"x": []any{}}}, types)
	wantContains(t, err, "want an expression string, found a list")

	// A run-time error names the expression.
	s := build(t, "expr", map[string]any{"set": map[string]any{"x": "a / b"}})
	_, err = run(t, flow.New(s), map[string]any{"a": "s", "b": 1})
	wantContains(t, err, `expression "a / b"`)
}

func TestFilter(t *testing.T) {
	s := build(t, "filter", map[string]any{"if": "qty > 0", "reason": "empty order"})
	if e, _ := keys(t, s); !reflect.DeepEqual(e, []string{"qty"}) {
		t.Errorf("Expects = %v", e)
	}
	if _, err := run(t, flow.New(s), map[string]any{"qty": 1}); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, flow.New(s), map[string]any{"qty": 0})
	if !errors.Is(err, flow.ErrStopped) {
		t.Fatalf("err = %v, want Stopped", err)
	}
	wantContains(t, err, "empty order")

	types := registry.FlowInfo{KeyTypes: map[string]any{"qty": 0}}
	err = buildErr(t, "filter", map[string]any{"if": "qty + 1"}, types)
	wantContains(t, err, `parameter "if"`, "expected bool, but got int")

	// Type unknown at build: a non-boolean fails at run time.
	s = build(t, "filter", map[string]any{"if": "qty"})
	_, err = run(t, flow.New(s), map[string]any{"qty": 3})
	if err == nil || errors.Is(err, flow.ErrStopped) {
		t.Fatalf("err = %v, want a failure", err)
	}
}

func TestRenameDelete(t *testing.T) {
	f := flow.New(
		build(t, "rename", map[string]any{"keys": map[string]any{"a": "b", "b": "a"}}),
		build(t, "rename", map[string]any{"from": "c", "to": "d"}),
		build(t, "delete", map[string]any{"keys": []any{"x", "absent"}}),
	)
	c, err := run(t, f, map[string]any{"a": 1, "b": 2, "c": 3, "x": 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := maps.Collect(c.All()); !reflect.DeepEqual(got, map[string]any{"a": 2, "b": 1, "d": 3}) {
		t.Errorf("values = %v", got)
	}
	_, err = run(t, flow.New(build(t, "rename", map[string]any{"from": "nope", "to": "x"})), nil)
	if !errors.Is(err, flow.ErrMissingKey) {
		t.Errorf("err = %v, want ErrMissingKey", err)
	}
	err = buildErr(t, "rename", map[string]any{"from": "a"}, registry.FlowInfo{})
	wantContains(t, err, `parameter "to"`, "from and to go together")
}

func TestSleepHonoursContext(t *testing.T) {
	s := build(t, "sleep", map[string]any{"for": "1h"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Call(ctx, flow.NewContext(nil))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	if err := build(t, "sleep", map[string]any{"for": "1ms"}).Call(context.Background(), flow.NewContext(nil)); err != nil {
		t.Fatal(err)
	}
}

func TestLog(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(old)
	s := build(t, "log", map[string]any{"keys": []any{"id", "gone"}, "message": "order"})
	if err := s.Call(context.Background(), flow.NewContext(map[string]any{"id": 7, "secret": "x"})); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"msg=order", "id=7", "gone=<missing>", "attempt=1"} {
		if !bytes.Contains([]byte(out), []byte(want)) {
			t.Errorf("log %q lacks %q", out, want)
		}
	}
	if bytes.Contains([]byte(out), []byte("secret")) {
		t.Errorf("log %q has a key it was not asked for", out)
	}
	err := buildErr(t, "log", map[string]any{"level": "loud"}, registry.FlowInfo{})
	wantContains(t, err, `parameter "level"`)
}

func TestChaos(t *testing.T) {
	for _, tc := range []struct {
		param string
		is    error
	}{{"stop", flow.ErrStopped}, {"retry", flow.ErrRetry}, {"fatal", flow.ErrFatal}, {"panic", flow.ErrFatal}} {
		t.Run(tc.param, func(t *testing.T) {
			s := build(t, "chaos", map[string]any{tc.param: 1.0, "seed": 1})
			f := flow.New(s).
				WithPolicy(flow.Policy{
					MaxAttempts: 2, Backoff: backoff.Exponential{Initial: time.Microsecond},
					MaxRedeliveries: 1, RestartBackoff: backoff.Exponential{Initial: time.Microsecond},
				})
			_, err := run(t, f, nil)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
		})
	}

	outcomes := func() []bool {
		s := build(t, "chaos", map[string]any{"stop": 0.5, "seed": 42})
		var got []bool
		for range 64 {
			got = append(got, s.Call(context.Background(), flow.NewContext(nil)) == nil)
		}
		return got
	}
	a, b := outcomes(), outcomes()
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different sequences")
	}
	n := 0
	for _, ok := range a {
		if ok {
			n++
		}
	}
	if n == 0 || n == len(a) {
		t.Errorf("%d of %d passed at rate 0.5", n, len(a))
	}

	err := buildErr(t, "chaos", map[string]any{"stop": 0.7, "retry": 0.7}, registry.FlowInfo{})
	wantContains(t, err, "add up to 1.4")
	err = buildErr(t, "chaos", map[string]any{"fatal": 2}, registry.FlowInfo{})
	wantContains(t, err, `parameter "fatal": want a rate in [0, 1], found 2`)
}

func TestChaosConcurrent(t *testing.T) {
	s := build(t, "chaos", map[string]any{"retry": 0.5})
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 100 {
				_ = s.Call(context.Background(), flow.NewContext(nil))
			}
		}()
	}
	for range 8 {
		<-done
	}
}

func decorator(t *testing.T, name string, with map[string]any, info registry.FlowInfo) flow.Decorator {
	t.Helper()
	d, err := registry.Builtin().BuildDecorator(name, registry.NewParams(with, info))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCatch(t *testing.T) {
	boom := flow.Func("boom", func(context.Context, *flow.Context) error { return errors.New("boom") })
	c, err := run(t, flow.New(flow.Around(decorator(t, "catch", map[string]any{"stage_key": "at"}, registry.FlowInfo{})), boom), nil)
	if err != nil {
		t.Fatalf("err = %v, want it caught", err)
	}
	if get(t, c, "error") != "boom" || get(t, c, "at") != "boom" {
		t.Errorf("values = %v", c)
	}

	stop := flow.Func("stop", func(context.Context, *flow.Context) error { return flow.Stop("no") })
	if _, err := run(t, flow.New(flow.Around(decorator(t, "catch", nil, registry.FlowInfo{})), stop), nil); !errors.Is(err, flow.ErrStopped) {
		t.Errorf("Stop: err = %v, want it passed through", err)
	}

	// Retry passes through while attempts are left; the last one is caught.
	calls := 0
	flaky := flow.Func("flaky", func(context.Context, *flow.Context) error { calls++; return flow.Retry(errors.New("busy")) })
	policy := flow.Policy{MaxAttempts: 3, Backoff: backoff.Exponential{Initial: time.Microsecond}}
	c, err = run(t, flow.New(flow.Around(decorator(t, "catch", nil, registry.FlowInfo{RetryAttempts: 3})), flaky).WithPolicy(policy), nil)
	if err != nil || calls != 3 || c.Attempt() != 3 {
		t.Fatalf("err = %v after %d calls", err, calls)
	}
	wantContains(t, errors.New(get(t, c, "error").(string)), "busy")
}

func TestTimer(t *testing.T) {
	nap := build(t, "sleep", map[string]any{"for": "5ms"})
	c, err := run(t, flow.New(flow.Around(decorator(t, "timer", map[string]any{"key": "ms"}, registry.FlowInfo{})), nap), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ms := get(t, c, "ms").(float64); ms < 5 {
		t.Errorf("ms = %v, want ≥ 5", ms)
	}
	if n := len(maps.Collect(c.All())); n != 1 {
		t.Errorf("values = %v, want only ms", c)
	}
}
