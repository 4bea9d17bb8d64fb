package flow_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

func noop(name string) flow.Service {
	return flow.Func(name, func(_ context.Context, c *flow.Context) error {
		c.Set(name, true)
		return nil
	})
}

func TestCancelStopsBetweenSteps(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := flow.New(noop("a"), flow.Func("cancel", func(context.Context, *flow.Context) error {
		cancel()
		return nil
	}), noop("b"))
	c, err := f.Run(ctx, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, ran := c.Get("b"); ran {
		t.Error("step after cancellation ran")
	}
	var se *flow.StageError
	if !errors.As(err, &se) || se.Stage != "b" {
		t.Errorf("err = %v, want a StageError at b", err)
	}
}

func TestCancelStopsRetryBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failed := make(chan struct{}) // closed when the first attempt has failed
	var once sync.Once
	f := flow.New(flow.Func("flaky", func(context.Context, *flow.Context) error {
		once.Do(func() { close(failed) })
		return flow.Retry(errors.New("busy"))
	})).WithPolicy(flow.Policy{MaxAttempts: 5, Backoff: backoff.Exponential{Initial: time.Hour, Max: time.Hour}})
	done := make(chan error, 1)
	go func() { _, err := f.Run(ctx, nil); done <- err }()
	// Cancel once the first attempt failed: Run is then in (or on its way
	// into) its hour-long backoff, and must give up on it.
	<-failed
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "busy") {
			t.Fatalf("err = %v, want cancellation and the last error", err)
		}
	case <-time.After(time.Minute): // a hang guard, far below the backoff's hour
		t.Fatal("Run did not return after cancel during backoff")
	}
}

func TestRetryAfterOverridesBackoff(t *testing.T) {
	var calls atomic.Int32
	f := flow.New(flow.Func("slowdown", func(context.Context, *flow.Context) error {
		if calls.Add(1) == 1 {
			return flow.Retry(retryAfter{errors.New("429"), time.Millisecond})
		}
		return nil
	})).WithPolicy(flow.Policy{Backoff: backoff.Exponential{Initial: time.Hour, Max: time.Hour}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := f.Run(ctx, nil); err != nil {
		t.Fatalf("err = %v: RetryAfter's wait should replace the hour-long backoff", err)
	}
}

func TestTimeoutRetries(t *testing.T) {
	var calls atomic.Int32
	slow := flow.Stage(flow.Func("slow", func(ctx context.Context, _ *flow.Context) error {
		if calls.Add(1) < 3 {
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}), flow.Timeout(5*time.Millisecond))
	f := flow.New(slow).WithPolicy(flow.Policy{MaxAttempts: 3, Backoff: backoff.Exponential{Initial: time.Microsecond}})
	c, err := f.Run(context.Background(), nil)
	if err != nil || c.Attempt() != 3 {
		t.Fatalf("err = %v attempt %d, want success on attempt 3", err, c.Attempt())
	}
	// The call's own error says nothing of the deadline: the timeout does.
	f2 := flow.New(flow.Stage(flow.Func("stuck", func(ctx context.Context, _ *flow.Context) error {
		<-ctx.Done()
		return errors.New("gave up")
	}), flow.Timeout(time.Millisecond))).WithPolicy(flow.Policy{MaxAttempts: 2, Backoff: backoff.Exponential{Initial: time.Microsecond}})
	_, err = f2.Run(context.Background(), nil)
	if !errors.Is(err, flow.ErrRetry) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrRetry and DeadlineExceeded", err)
	}
}

type conn struct {
	id     int
	closed bool
	fail   bool
}

func (c *conn) Call(_ context.Context, fc *flow.Context) error {
	if c.fail {
		return flow.Fatal(errors.New("broken pipe"))
	}
	fc.Set("conn", c.id)
	return nil
}
func (c *conn) Stop(context.Context) error { c.closed = true; return nil }

func TestBuildRebuildsAfterFatal(t *testing.T) {
	var built []*conn
	f := flow.New(flow.Build("db", func() (flow.Service, error) {
		c := &conn{id: len(built) + 1, fail: len(built) == 0}
		built = append(built, c)
		return c, nil
	})).WithPolicy(flow.Policy{RestartBackoff: backoff.Exponential{Initial: time.Microsecond}})
	c, err := f.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Get("conn"); v != 2 || len(built) != 2 || !built[0].closed {
		t.Fatalf("conn = %v, built %d, first closed %v: want the input redelivered to a fresh build", v, len(built), built[0].closed)
	}
	if err := f.Stop(context.Background()); err != nil || !built[1].closed {
		t.Fatalf("Stop = %v, closed %v", err, built[1].closed)
	}
}

func TestBuildFailureFailsTheInput(t *testing.T) {
	f := flow.New(flow.Build("db", func() (flow.Service, error) { return nil, errors.New("no route to host") }))
	_, err := f.Run(context.Background(), nil)
	if !errors.Is(err, flow.ErrFatal) || !strings.Contains(err.Error(), "no route to host") {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigureAfterRunPanics(t *testing.T) {
	f := flow.New(noop("a"))
	if _, err := f.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "after it started running") {
			t.Errorf("recovered %v", r)
		}
	}()
	f.Then(noop("b"))
}

func TestFlowAsService(t *testing.T) {
	inner := flow.New(noop("x"), flow.Fork("k", flow.Branches{"a": flow.New(noop("y"))}))
	c := flow.NewContext(map[string]any{"k": "a"})
	if err := inner.Call(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"x", "y"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s not set", k)
		}
	}
	// Nested in another flow, its steps are inlined.
	outer := flow.New(noop("before"), inner, noop("after"))
	p, err := engine.Compile[*flow.Flow, *flow.Context](outer)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range p.Nodes {
		names = append(names, n.Name)
	}
	if got := strings.Join(names, ","); got != "before,x,fork(k),y,after" {
		t.Errorf("program nodes = %s", got)
	}
	c, err = outer.Run(context.Background(), map[string]any{"k": "zzz"})
	if !errors.Is(err, flow.ErrNoBranch) {
		t.Errorf("err = %v", err)
	}
	if _, ok := c.Get("after"); ok {
		t.Error("after ran despite the failure")
	}
}

func TestConcurrentRunsShareAStartedService(t *testing.T) {
	var starts atomic.Int32
	s := &startCounter{starts: &starts}
	f := flow.New(s)
	errs := make(chan error, 50)
	for range 50 {
		go func() { _, err := f.Run(context.Background(), nil); errs <- err }()
	}
	for range 50 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := starts.Load(); n != 1 {
		t.Errorf("started %d times, want once", n)
	}
}

type startCounter struct{ starts *atomic.Int32 }

func (s *startCounter) Start(context.Context) error               { s.starts.Add(1); return nil }
func (s *startCounter) Call(context.Context, *flow.Context) error { return nil }

func TestProgramNamesAreUnique(t *testing.T) {
	f := flow.New(flow.Around(Timer{}), noop("a"), noop("a"), flow.Fork("k", flow.Branches{"x": flow.New(noop("a"))}), flow.Fork("k", flow.Branches{"y": flow.New(noop("b"))}))
	p, err := engine.Compile[*flow.Flow, *flow.Context](f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range p.Nodes {
		names = append(names, n.Name)
	}
	want := "around(Timer),a,a#2,fork(k),a#3,fork(k)#2,b,around(Timer).after"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("names = %s, want %s", got, want)
	}
}

// retryAfter is an error that asks for its retry's delay (see flow.Retry).
type retryAfter struct {
	error
	wait time.Duration
}

func (e retryAfter) RetryAfter() time.Duration { return e.wait }
