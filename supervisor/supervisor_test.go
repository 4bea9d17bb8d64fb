package supervisor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
)

// journal records Stop and Start calls of fake children, in call order.
type journal struct {
	mu    sync.Mutex
	calls []string
}

func (j *journal) add(s string) {
	j.mu.Lock()
	j.calls = append(j.calls, s)
	j.mu.Unlock()
}

func (j *journal) get() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.calls)
}

// fake is a Child whose Start fails while startFails > 0 (or always, when
// startFails < 0) and whose hooks run inside Start.
type fake struct {
	name       string
	j          *journal
	startFails atomic.Int64
	startErr   error
	stopErr    error
	onStart    func() // runs at the beginning of Start
	starts     atomic.Int64
}

func newFake(j *journal, name string) *fake { return &fake{name: name, j: j} }

func (f *fake) Name() string { return f.name }

func (f *fake) Stop(context.Context) error {
	f.j.add("stop " + f.name)
	return f.stopErr
}

func (f *fake) Start(context.Context) error {
	if f.onStart != nil {
		f.onStart()
	}
	f.starts.Add(1)
	f.j.add("start " + f.name)
	if n := f.startFails.Load(); n != 0 {
		if n > 0 {
			f.startFails.Add(-1)
		}
		if f.startErr != nil {
			return f.startErr
		}
		return fmt.Errorf("%s: start failed", f.name)
	}
	return nil
}

// fixture builds a supervisor over fakes a, b, c, d with no real sleeping;
// it records the backoff delays asked for.
type fixture struct {
	s      *Supervisor
	j      *journal
	kids   map[string]*fake
	mu     sync.Mutex
	delays []time.Duration
}

func newFixture(spec Spec, names ...string) *fixture {
	if len(names) == 0 {
		names = []string{"a", "b", "c", "d"}
	}
	fx := &fixture{j: &journal{}, kids: map[string]*fake{}}
	var children []Child
	for _, n := range names {
		f := newFake(fx.j, n)
		fx.kids[n] = f
		children = append(children, f)
	}
	fx.s = New("sup", spec, children...)
	fx.s.sleep = func(ctx context.Context, d time.Duration) error {
		fx.mu.Lock()
		fx.delays = append(fx.delays, d)
		fx.mu.Unlock()
		return ctx.Err()
	}
	return fx
}

func TestFailedRestartsAffectedChildrenInOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		strategy Strategy
		failed   string
		want     []string
	}{
		{OneForOne, "b", []string{"stop b", "start b"}},
		{AllForOne, "b", []string{"stop d", "stop c", "stop b", "stop a", "start a", "start b", "start c", "start d"}},
		{RestForOne, "b", []string{"stop d", "stop c", "stop b", "start b", "start c", "start d"}},
		{RestForOne, "d", []string{"stop d", "start d"}},
	}
	for _, tt := range tests {
		t.Run(tt.strategy.String()+"/"+tt.failed, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(Spec{Strategy: tt.strategy})
			if err := fx.s.Failed(t.Context(), tt.failed, errors.New("boom")); err != nil {
				t.Fatalf("Failed: %v", err)
			}
			if got := fx.j.get(); !slices.Equal(got, tt.want) {
				t.Errorf("calls = %v\nwant    %v", got, tt.want)
			}
			st := fx.s.Stats()
			if st.Restarts != 1 || st.Used != 1 || st.Escalated {
				t.Errorf("Stats = %+v, want 1 restart, 1 used, not escalated", st)
			}
			for _, c := range st.Children {
				wantRestarts := 0
				if slices.Contains(tt.want, "start "+c.Name) {
					wantRestarts = 1
				}
				wantFailures := 0
				if c.Name == tt.failed {
					wantFailures = 1
				}
				if c.Restarts != wantRestarts || c.Failures != wantFailures {
					t.Errorf("child %s: %+v, want %d restarts, %d failures", c.Name, c, wantRestarts, wantFailures)
				}
			}
		})
	}
}

func TestStartFailingEscalatesAfterMaxRestartsPlusOneFailures(t *testing.T) {
	t.Parallel()
	for _, maxRestarts := range []int{1, 3, 5} {
		t.Run(fmt.Sprint(maxRestarts), func(t *testing.T) {
			t.Parallel()
			fx := newFixture(Spec{MaxRestarts: maxRestarts, Within: time.Hour}, "db", "api")
			cause := errors.New("db: connection refused")
			fx.kids["db"].startErr = cause
			fx.kids["db"].startFails.Store(-1)

			err := fx.s.Failed(t.Context(), "db", errors.New("fatal"))
			if !errors.Is(err, ErrEscalated) || !errors.Is(err, cause) {
				t.Fatalf("Failed = %v, want an error matching ErrEscalated and the cause", err)
			}
			var esc *EscalationError
			if !errors.As(err, &esc) || esc.Supervisor != "sup" || esc.Child != "db" ||
				esc.Restarts != maxRestarts || esc.Within != time.Hour {
				t.Fatalf("EscalationError = %+v", esc)
			}
			// One reported failure plus one failed Start per allowed restart.
			st := fx.s.Stats()
			if got := st.Children[0].Failures; got != maxRestarts+1 {
				t.Errorf("failures = %d, want %d", got, maxRestarts+1)
			}
			if got := fx.kids["db"].starts.Load(); got != int64(maxRestarts) {
				t.Errorf("Start called %d times, want %d", got, maxRestarts)
			}
			if !st.Escalated || st.Used != maxRestarts || st.Restarts != maxRestarts || st.Children[0].Restarts != 0 {
				t.Errorf("Stats = %+v", st)
			}
			if fx.kids["api"].starts.Load() != 0 {
				t.Error("one-for-one touched a sibling")
			}
		})
	}
}

func TestStartFailureAppliesStrategyToThatChild(t *testing.T) {
	t.Parallel()
	fx := newFixture(Spec{Strategy: RestForOne})
	fx.kids["c"].startFails.Store(1)
	if err := fx.s.Failed(t.Context(), "b", errors.New("boom")); err != nil {
		t.Fatalf("Failed: %v", err)
	}
	want := []string{
		"stop d", "stop c", "stop b", "start b", "start c", // c fails to start
		"stop d", "stop c", "start c", "start d", // rest-for-one from c
	}
	if got := fx.j.get(); !slices.Equal(got, want) {
		t.Errorf("calls = %v\nwant    %v", got, want)
	}
	st := fx.s.Stats()
	if st.Restarts != 2 || st.Children[2].Failures != 1 || st.Children[2].Restarts != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestRecoveredResetsBackoff(t *testing.T) {
	t.Parallel()
	fx := newFixture(Spec{
		MaxRestarts: 10,
		Within:      time.Minute,
		Backoff:     backoff.Exponential{Initial: time.Microsecond, Max: 10 * time.Microsecond, Multiplier: 2, Jitter: -1},
	})
	for i := range 4 {
		if i == 2 {
			fx.s.Recovered("a") // it worked between the second and third failure
		}
		if err := fx.s.Failed(t.Context(), "a", errors.New("boom")); err != nil {
			t.Fatal(err)
		}
	}
	fx.s.Recovered("nobody") // ignored
	want := []time.Duration{1000, 2000, 1000, 2000}
	if !slices.Equal(fx.delays, want) {
		t.Errorf("delays = %v, want %v", fx.delays, want)
	}
	if st := fx.s.Stats(); st.Used != 4 {
		t.Errorf("Used = %d: recovery must not refund the restart budget", st.Used)
	}
}

func TestBackoffGrowsWithRestartsInWindow(t *testing.T) {
	t.Parallel()
	fx := newFixture(Spec{
		MaxRestarts: 10,
		Within:      time.Minute,
		Backoff:     backoff.Exponential{Initial: time.Microsecond, Max: 10 * time.Microsecond, Multiplier: 2, Jitter: -1},
	})
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fx.s.now = func() time.Time { return now }
	for range 5 {
		if err := fx.s.Failed(t.Context(), "a", errors.New("boom")); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(time.Minute) // the window empties: back to the initial delay
	if err := fx.s.Failed(t.Context(), "a", errors.New("boom")); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{1000, 2000, 4000, 8000, 10000, 1000}
	if !slices.Equal(fx.delays, want) {
		t.Errorf("delays = %v, want %v", fx.delays, want)
	}
}

func TestFailedRealBackoffWithJitterStaysBounded(t *testing.T) {
	t.Parallel()
	f := newFake(&journal{}, "a")
	s := New("sup", Spec{Backoff: backoff.Exponential{Initial: time.Microsecond, Max: time.Millisecond}}, f)
	start := time.Now()
	for range 5 {
		if err := s.Failed(t.Context(), "a", errors.New("boom")); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("5 restarts took %v", d)
	}
}

func TestFailedCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	j := &journal{}
	s := New("sup", Spec{Backoff: backoff.Exponential{Initial: time.Hour, Max: time.Hour}}, newFake(j, "a"))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Failed(ctx, "a", errors.New("boom"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Failed = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Failed returned after %v", d)
	}
	if calls := j.get(); len(calls) != 0 {
		t.Errorf("children touched: %v", calls)
	}

	// An already cancelled context spends no budget.
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	if err := s.Failed(ctx, "a", errors.New("boom")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Failed = %v, want context.Canceled", err)
	}
	if st := s.Stats(); st.Restarts != 1 {
		t.Errorf("restarts = %d, want 1 (only the first call)", st.Restarts)
	}
}

func TestFailedConcurrent(t *testing.T) {
	t.Parallel()
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	const perChild = 25
	fx := newFixture(Spec{MaxRestarts: 1000, Within: time.Hour}, names...)
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Go(func() {
			for range perChild {
				if err := fx.s.Failed(t.Context(), n, errors.New("boom")); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 100 {
			fx.s.Stats()
		}
	})
	wg.Wait()
	st := fx.s.Stats()
	if st.Restarts != len(names)*perChild {
		t.Errorf("restarts = %d, want %d", st.Restarts, len(names)*perChild)
	}
	for _, c := range st.Children {
		if c.Restarts != perChild || c.Failures != perChild {
			t.Errorf("child %+v, want %d restarts and failures", c, perChild)
		}
	}
}

func TestFailureCoveredByPendingRestart(t *testing.T) {
	t.Parallel()
	fx := newFixture(Spec{Strategy: AllForOne}, "a", "b")
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	fx.kids["a"].onStart = func() {
		once.Do(func() {
			close(entered)
			<-release
		})
	}
	waited := make(chan struct{}, 2)
	fx.s.waiting = func() { waited <- struct{}{} }

	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = fx.s.Failed(t.Context(), "a", errors.New("a broke")) })
	<-entered // the restart of a and b is in progress
	wg.Go(func() { errs[1] = fx.s.Failed(t.Context(), "b", errors.New("b broke")) })
	<-waited
	<-waited // b's failure is noted and waits for the restart
	close(release)
	wg.Wait()

	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("Failed = %v, %v", errs[0], errs[1])
	}
	st := fx.s.Stats()
	if st.Restarts != 1 || st.Children[1].Failures != 1 {
		t.Errorf("Stats = %+v, want one restart covering both failures", st)
	}
}

func TestEscalationIsSticky(t *testing.T) {
	t.Parallel()
	fx := newFixture(Spec{MaxRestarts: -1})
	first := fx.s.Failed(t.Context(), "a", errors.New("boom"))
	var esc *EscalationError
	if !errors.As(first, &esc) || esc.Restarts != 0 {
		t.Fatalf("Failed = %v, want an escalation with no restart", first)
	}
	if again := fx.s.Failed(t.Context(), "c", errors.New("other")); again != first {
		t.Errorf("second Failed = %v, want the first escalation", again)
	}
	if calls := fx.j.get(); len(calls) != 0 {
		t.Errorf("children touched: %v", calls)
	}
	if !fx.s.Stats().Escalated {
		t.Error("Stats().Escalated = false")
	}
}

func TestFailedUnknownChild(t *testing.T) {
	t.Parallel()
	fx := newFixture(Spec{})
	err := fx.s.Failed(t.Context(), "nope", errors.New("boom"))
	if !errors.Is(err, ErrUnknownChild) || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), `"sup"`) {
		t.Errorf("Failed = %v, want ErrUnknownChild naming the child and supervisor", err)
	}
}

func TestStopErrorsAndPanicsDoNotStopTheRestart(t *testing.T) {
	t.Parallel()
	fx := newFixture(Spec{}, "a")
	fx.kids["a"].stopErr = errors.New("close: already closed")
	var panicked atomic.Bool
	fx.kids["a"].onStart = func() {
		if panicked.CompareAndSwap(false, true) {
			panic("start exploded")
		}
	}
	if err := fx.s.Failed(t.Context(), "a", errors.New("boom")); err != nil {
		t.Fatalf("Failed: %v", err)
	}
	c := fx.s.Stats().Children[0]
	if c.Failures != 2 || c.Restarts != 1 || c.StopErrors != 2 {
		t.Errorf("child %+v, want 2 failures (one a panic in Start), 1 restart, 2 stop errors", c)
	}
}

func TestNewPanicsOnBadChildren(t *testing.T) {
	t.Parallel()
	j := &journal{}
	tests := []struct {
		name     string
		children []Child
	}{
		{"nil", []Child{nil}},
		{"empty name", []Child{newFake(j, "")}},
		{"duplicate", []Child{newFake(j, "a"), newFake(j, "a")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("New did not panic")
				}
			}()
			New("sup", Spec{}, tt.children...)
		})
	}
}

func TestZeroSpecSupervisor(t *testing.T) {
	t.Parallel()
	s := New("sup", Spec{})
	if s.Spec() != (Spec{}).WithDefaults() {
		t.Errorf("Spec() = %+v", s.Spec())
	}
	st := s.Stats()
	if st.Name != "sup" || st.Strategy != OneForOne || st.MaxRestarts != 20 || st.Within != 10*time.Second || len(st.Children) != 0 {
		t.Errorf("Stats = %+v", st)
	}
}
