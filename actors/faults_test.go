package actors

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/supervisor"
)

// collect submits inputs, drains, and returns every result.
func collect(t *testing.T, rt *Runtime, inputs func(yield func(map[string]any) bool)) ([]flow.Result, int, error) {
	t.Helper()
	ctx := context.Background()
	submitted := 0
	var drainErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for in := range inputs {
			if err := rt.Submit(ctx, in); err != nil {
				break
			}
			submitted++
		}
		drainErr = rt.Drain(ctx)
	}()
	var res []flow.Result
	for r := range rt.Results() {
		res = append(res, r)
	}
	<-done
	return res, submitted, drainErr
}

func numbered(n int) func(yield func(map[string]any) bool) {
	return func(yield func(map[string]any) bool) {
		for i := range n {
			if !yield(map[string]any{"n": i, "kind": []string{"a", "b"}[i%2]}) {
				return
			}
		}
	}
}

// Every input gets exactly one result, with the right status, through a flow
// with a fork and seeded Fatal, panic, Retry and Stop faults; restarts equal
// the injected Fatal errors and panics.
func TestAccountingUnderFaults(t *testing.T) {
	n := 1_000_000
	if raceEnabled || testing.Short() {
		n = 100_000
	}
	rng := rand.New(rand.NewPCG(42, 1))
	fault := make([]byte, n) // per input: 0 none, 'F' fatal, 'P' panic, 'R' retry, 'S' stop
	want := map[byte]int{}
	for i := range fault {
		switch x := rng.IntN(1000); {
		case x == 0:
			fault[i] = 'F'
		case x == 1:
			fault[i] = 'P'
		case x < 12:
			fault[i] = 'R'
		case x < 22:
			fault[i] = 'S'
		}
		want[fault[i]]++
	}
	var injectedFatal, injectedPanic atomic.Int64
	var once sync.Map // inputs that already failed once: faults fire on the first delivery only
	chaos := flow.Func("chaos", func(_ context.Context, c *flow.Context) error {
		i, _ := flow.Value[int](c, "n")
		switch fault[i] {
		case 'F':
			if _, again := once.LoadOrStore(i, true); !again {
				injectedFatal.Add(1)
				return flow.Fatal(errors.New("injected"))
			}
		case 'P':
			if _, again := once.LoadOrStore(i, true); !again {
				injectedPanic.Add(1)
				panic("injected")
			}
		case 'R':
			if c.Attempt() == 1 {
				return flow.Retry(errors.New("injected"))
			}
		case 'S':
			return flow.Stop("injected")
		}
		return nil
	})
	inc := func(name string) flow.Service {
		return flow.Func(name, func(_ context.Context, c *flow.Context) error {
			v, _ := c.Get(name)
			x, _ := v.(int)
			c.Set(name, x+1)
			return nil
		})
	}
	f := flow.New(inc("first"), flow.Fork("kind", flow.Branches{
		"a": flow.New(inc("a"), chaos),
		"b": flow.New(inc("b")),
	}), inc("last")).WithPolicy(flow.Policy{Backoff: backoff.Exponential{Initial: time.Microsecond, Max: 10 * time.Microsecond}})
	// Fault inputs all take branch a only when n is even; put the faults there.
	for i := range fault {
		if i%2 == 1 && fault[i] != 0 {
			want[fault[i]]--
			want[0]++
			fault[i] = 0
		}
	}
	rt, err := Start(context.Background(), f, MaxInFlight(512), Supervision(supervisor.Spec{
		MaxRestarts: n, Within: time.Minute,
		Backoff: backoff.Exponential{Initial: time.Microsecond, Max: 10 * time.Microsecond},
	}))
	if err != nil {
		t.Fatal(err)
	}
	res, submitted, err := collect(t, rt, numbered(n))
	if err != nil {
		t.Fatalf("Drain: %v", err)
	}
	if submitted != n || len(res) != n {
		t.Fatalf("submitted %d, results %d, want %d each", submitted, len(res), n)
	}
	seen := make([]int, n)
	var stopped, done int
	for _, r := range res {
		i, _ := flow.Value[int](r.Context, "n")
		seen[i]++
		wantStatus := flow.Done
		if fault[i] == 'S' {
			wantStatus = flow.Stopped
		}
		if r.Status != wantStatus {
			t.Fatalf("input %d (fault %q): status %v err %v, want %v", i, fault[i], r.Status, r.Err, wantStatus)
		}
		if r.Status == flow.Done {
			done++
			if v, _ := r.Context.Get("last"); v != 1 {
				t.Fatalf("input %d: last = %v: a step ran twice or not at all", i, v)
			}
		} else {
			stopped++
		}
		if fault[i] == 'R' && r.Context.Attempt() != 2 {
			t.Fatalf("input %d: attempt %d, want 2", i, r.Context.Attempt())
		}
	}
	for i, k := range seen {
		if k != 1 {
			t.Fatalf("input %d got %d results", i, k)
		}
	}
	s := rt.Snapshot()
	restarts := injectedFatal.Load() + injectedPanic.Load()
	if int64(s.Totals.Restarts) != restarts || restarts != int64(want['F']+want['P']) {
		t.Fatalf("restarts %d, injected fatal %d + panic %d, planned %d", s.Totals.Restarts, injectedFatal.Load(), injectedPanic.Load(), want['F']+want['P'])
	}
	if stopped != want['S'] || s.Totals.Stopped != uint64(stopped) || s.Totals.Done != uint64(done) || s.Totals.Admitted != uint64(n) || s.Totals.InFlight != 0 {
		t.Fatalf("totals %+v; stopped %d (planned %d), done %d", s.Totals, stopped, want['S'], done)
	}
	if s.Totals.Retried != uint64(want['R']) {
		t.Fatalf("retried %d, planned %d", s.Totals.Retried, want['R'])
	}
	for _, st := range s.Stages {
		if st.Kind == snapshot.KindFork && st.Key != "kind" {
			t.Fatalf("fork stage %q routes on %q, want kind", st.Name, st.Key)
		}
	}
	if s.Retry.Attempts != 3 || s.Retry.Initial != time.Microsecond || s.Retry.Max != 10*time.Microsecond {
		t.Fatalf("retry policy in the snapshot: %+v", s.Retry)
	}
	kinds := map[snapshot.EventKind]int{}
	for _, e := range s.Events {
		kinds[e.Kind]++
	}
	if kinds[snapshot.EventRetry] == 0 || kinds[snapshot.EventRestart] == 0 || kinds[snapshot.EventDrain] != 1 {
		t.Fatalf("recent events by kind: %v; want retries, restarts and one drain", kinds)
	}
	t.Logf("%d inputs: %d done, %d stopped, %d retried, %d restarts", n, done, stopped, s.Totals.Retried, s.Totals.Restarts)
}

// A poison input (always Fatal) ends Failed after the redelivery limit, with
// its original values kept as a dead letter; the service keeps running.
func TestPoisonInputFailsAfterRedeliveries(t *testing.T) {
	var starts, calls atomic.Int64
	svc := &lifecycleService{starts: &starts, call: func(c *flow.Context) error {
		calls.Add(1)
		if n, _ := flow.Value[int](c, "n"); n == 3 {
			return flow.Fatal(errors.New("poison"))
		}
		return nil
	}}
	rt, err := Start(context.Background(), flow.New(svc), Supervision(fastSupervision))
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, rt, numbered(10))
	if err != nil {
		t.Fatal(err)
	}
	var failed []flow.Result
	for _, r := range res {
		if r.Status == flow.Failed {
			failed = append(failed, r)
		} else if r.Status != flow.Done {
			t.Errorf("status %v", r.Status)
		}
	}
	if len(failed) != 1 || !errors.Is(failed[0].Err, flow.ErrFatal) {
		t.Fatalf("failed = %v, want exactly the poison input", failed)
	}
	if n, _ := flow.Value[int](failed[0].Context, "n"); n != 3 {
		t.Fatalf("failed input n=%d", n)
	}
	// 1 first delivery + 3 redeliveries of the poison, 9 other inputs.
	if calls.Load() != 13 || starts.Load() != 5 {
		t.Fatalf("calls %d starts %d, want 13 calls and 5 starts (1 + 4 restarts)", calls.Load(), starts.Load())
	}
	s := rt.Snapshot()
	if len(s.DeadLetters) != 1 || s.DeadLetters[0].Input["n"] != 3 || s.DeadLetters[0].Stage != "svc" {
		t.Fatalf("dead letters %+v", s.DeadLetters)
	}
}

// lifecycleService counts starts and runs call.
type lifecycleService struct {
	starts    *atomic.Int64
	failStart func() error
	call      func(*flow.Context) error
}

func (s *lifecycleService) Name() string { return "svc" }
func (s *lifecycleService) Start(context.Context) error {
	s.starts.Add(1)
	if s.failStart != nil {
		return s.failStart()
	}
	return nil
}
func (s *lifecycleService) Call(_ context.Context, c *flow.Context) error { return s.call(c) }

// A service whose Start fails after its first restart escalates: the stage's
// supervisor gives up, then the root's, the flow fails with one clear error,
// and every admitted input still gets its one result.
func TestRestartStormEscalates(t *testing.T) {
	var starts atomic.Int64
	svc := &lifecycleService{starts: &starts,
		failStart: func() error {
			if starts.Load() > 1 {
				return errors.New("database unreachable")
			}
			return nil
		},
		call: func(c *flow.Context) error {
			if n, _ := flow.Value[int](c, "n"); n == 50 {
				return flow.Fatal(errors.New("connection reset"))
			}
			time.Sleep(100 * time.Microsecond) // the work: keeps inputs in flight when the fault comes
			return nil
		}}
	spec := supervisor.Spec{MaxRestarts: 3, Within: time.Minute, Backoff: backoff.Exponential{Initial: time.Microsecond, Max: time.Microsecond}}
	rt, err := Start(context.Background(), flow.New(svc), Supervision(spec), MaxInFlight(64))
	if err != nil {
		t.Fatal(err)
	}
	res, submitted, drainErr := collect(t, rt, numbered(100_000))
	if !errors.Is(drainErr, supervisor.ErrEscalated) || !errors.Is(rt.Err(), supervisor.ErrEscalated) {
		t.Fatalf("Drain = %v, Err = %v; want the escalation", drainErr, rt.Err())
	}
	if len(res) != submitted {
		t.Fatalf("%d admitted, %d results", submitted, len(res))
	}
	if submitted >= 100_000 {
		t.Fatalf("Submit kept accepting after the escalation")
	}
	ids := map[uint64]bool{}
	var failed int
	for _, r := range res {
		if ids[r.Context.ID()] {
			t.Fatalf("duplicate result for %d", r.Context.ID())
		}
		ids[r.Context.ID()] = true
		if r.Status == flow.Failed {
			failed++
		}
	}
	s := rt.Snapshot()
	if s.State != "FAILED" || s.Err == "" || failed == 0 {
		t.Fatalf("state %s err %q failed %d", s.State, s.Err, failed)
	}
	escalated := map[string]bool{}
	for _, sup := range s.Supervisors {
		escalated[sup.Name] = sup.Escalated
	}
	// The stage's supervisor escalated to the root, which restarted the stage
	// (clearing that) and then gave up itself: the root is the one marked.
	if !escalated["flow"] {
		t.Fatalf("supervisors escalated: %v; want the root", escalated)
	}
	if s.Totals.Admitted != uint64(submitted) || s.Totals.Done+s.Totals.Stopped+s.Totals.Failed != uint64(submitted) {
		t.Fatalf("totals %+v for %d admitted", s.Totals, submitted)
	}
	t.Logf("escalated after %d admitted (%d failed): %v", submitted, failed, drainErr)
}

// With a slow last stage and a fast producer, inputs in flight never exceed
// MaxInFlight, and the ledger always balances.
func TestBackpressureBoundsInFlight(t *testing.T) {
	slow := flow.Func("slow", func(context.Context, *flow.Context) error {
		time.Sleep(50 * time.Microsecond) // the work: slower than the producer
		return nil
	})
	rt, err := Start(context.Background(), flow.New(flow.Func("fast", func(context.Context, *flow.Context) error { return nil }), slow), MaxInFlight(32))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var maxSeen atomic.Int64
	var watch sync.WaitGroup
	watch.Add(1)
	go func() {
		defer watch.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			s := rt.Snapshot()
			if int64(s.Totals.InFlight) > maxSeen.Load() {
				maxSeen.Store(int64(s.Totals.InFlight))
			}
			if s.Totals.Admitted < s.Totals.Done+s.Totals.Stopped+s.Totals.Failed {
				t.Errorf("ledger out of balance: %+v", s.Totals)
			}
			time.Sleep(100 * time.Microsecond) // the pace of the samples, not a wait: the check holds at every one
		}
	}()
	res, _, err := collect(t, rt, numbered(3000))
	close(stop)
	watch.Wait()
	if err != nil || len(res) != 3000 {
		t.Fatalf("err %v, %d results", err, len(res))
	}
	if m := maxSeen.Load(); m > 32 || m == 0 {
		t.Fatalf("max in flight seen %d, want 1..32", m)
	}
}

// At the drain deadline, inputs still in flight are reported Failed with
// ErrDrainTimeout; Drain returns, and a second Drain returns the same.
func TestDrainDeadlineReportsInFlight(t *testing.T) {
	block := flow.Func("block", func(ctx context.Context, _ *flow.Context) error {
		<-ctx.Done()
		return ctx.Err()
	})
	rt, err := Start(context.Background(), flow.New(block), MaxInFlight(8))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := rt.Submit(context.Background(), map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	var res []flow.Result
	done := make(chan struct{})
	go func() {
		defer close(done)
		for r := range rt.Results() {
			res = append(res, r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = rt.Drain(ctx)
	<-done
	if !errors.Is(err, ErrDrainTimeout) || len(res) != 5 {
		t.Fatalf("Drain = %v with %d results; want ErrDrainTimeout and 5", err, len(res))
	}
	for _, r := range res {
		if r.Status != flow.Failed || !errors.Is(r.Err, ErrDrainTimeout) {
			t.Fatalf("result %v %v", r.Status, r.Err)
		}
		if _, ok := r.Context.Get("n"); !ok {
			t.Fatal("abandoned result lost its input")
		}
	}
	if err2 := rt.Drain(context.Background()); err2 != err {
		t.Fatalf("second Drain = %v, want %v", err2, err)
	}
	if err := rt.Submit(context.Background(), nil); !errors.Is(err, ErrDraining) {
		t.Fatalf("Submit after Drain = %v", err)
	}
}

// Drain under load returns with every input accounted for.
func TestDrainUnderLoad(t *testing.T) {
	rt, err := Start(context.Background(), flow.New(flow.Func("x", func(context.Context, *flow.Context) error { return nil })), MaxInFlight(64))
	if err != nil {
		t.Fatal(err)
	}
	var submitted atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if err := rt.Submit(context.Background(), map[string]any{}); err != nil {
					if !errors.Is(err, ErrDraining) {
						t.Errorf("Submit: %v", err)
					}
					return
				}
				submitted.Add(1)
			}
		}()
	}
	// Drain while inputs are flowing: once 1000 results are out, not after a
	// wall-clock pause that a loaded machine may spend before any Submit.
	got := 0
	drained := make(chan error, 1)
	for range rt.Results() {
		if got++; got == 1000 {
			go func() { drained <- rt.Drain(context.Background()) }()
		}
	}
	wg.Wait()
	if err := <-drained; err != nil {
		t.Fatal(err)
	}
	if int64(got) != submitted.Load() || got == 0 {
		t.Fatalf("%d submitted, %d results", submitted.Load(), got)
	}
}

// Replay resubmits dead letters' original inputs.
func TestReplayDeadLetters(t *testing.T) {
	var healthy atomic.Bool
	f := flow.New(flow.Func("flaky", func(_ context.Context, c *flow.Context) error {
		c.Set("mutated", true)
		if !healthy.Load() {
			return errors.New("down")
		}
		return nil
	}))
	rt, err := Start(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 {
		rt.Submit(ctx, map[string]any{"n": i})
	}
	for range 3 {
		if r := <-rt.Results(); r.Status != flow.Failed {
			t.Fatalf("status %v", r.Status)
		}
	}
	s := rt.Snapshot()
	if len(s.DeadLetters) != 3 || s.DeadLetters[0].Input["mutated"] != nil || s.DeadLetters[0].Err == "" {
		t.Fatalf("dead letters %+v: want 3 with original inputs", s.DeadLetters)
	}
	healthy.Store(true)
	n, err := rt.Replay(context.Background(), s.DeadLetters[0].ID)
	if n != 1 || err != nil {
		t.Fatalf("Replay = %d, %v", n, err)
	}
	if r := <-rt.Results(); r.Status != flow.Done {
		t.Fatalf("replayed status %v", r.Status)
	}
	if n, _ := rt.Replay(context.Background()); n != 2 {
		t.Fatalf("Replay all = %d", n)
	}
	for range 2 {
		if r := <-rt.Results(); r.Status != flow.Done {
			t.Fatalf("replayed status %v", r.Status)
		}
	}
	if err := rt.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if s := rt.Snapshot(); len(s.DeadLetters) != 0 || s.Totals.Failed != 3 || s.Totals.Done != 3 {
		t.Fatalf("after replay: %d dead letters, totals %+v", len(s.DeadLetters), s.Totals)
	}
}

// With Concurrency(n) and ByKey, inputs with the same key keep their order.
func TestPerKeyOrder(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]int{}
	worker := flow.Stage(flow.Func("worker", func(_ context.Context, c *flow.Context) error {
		k, _ := flow.Value[string](c, "key")
		n, _ := flow.Value[int](c, "n")
		if n%7 == 0 {
			time.Sleep(20 * time.Microsecond) // uneven work: instances drift apart
		}
		mu.Lock()
		seen[k] = append(seen[k], n)
		mu.Unlock()
		return nil
	}), flow.Concurrency(4), flow.ByKey("key"))
	rt, err := Start(context.Background(), flow.New(worker))
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, rt, func(yield func(map[string]any) bool) {
		for i := range 4000 {
			if !yield(map[string]any{"n": i, "key": fmt.Sprint("k", i%13)}) {
				return
			}
		}
	})
	if err != nil || len(res) != 4000 {
		t.Fatal(err, len(res))
	}
	for k, ns := range seen {
		for i := 1; i < len(ns); i++ {
			if ns[i] < ns[i-1] {
				t.Fatalf("key %s out of order: %v", k, ns[:i+1])
			}
		}
	}
	if s := rt.Snapshot(); s.Stages[0].Concurrency != 4 {
		t.Fatalf("concurrency %d", s.Stages[0].Concurrency)
	}
}

// Repeated stage names (which Validate reports) do not stop a flow from
// running: the program names them apart.
func TestDuplicateNamesRun(t *testing.T) {
	s := func() flow.Service {
		return flow.Func("same", func(context.Context, *flow.Context) error { return nil })
	}
	rt, err := Start(context.Background(), flow.New(s(), s()))
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, rt, numbered(10))
	if err != nil || len(res) != 10 {
		t.Fatal(err, len(res))
	}
	if st := rt.Snapshot().Stages; st[0].Name != "same" || st[1].Name != "same#2" {
		t.Fatalf("stages %q %q", st[0].Name, st[1].Name)
	}
}

// A service that fails now and then but works in between is restarted after
// the initial backoff each time; only a crash loop backs off further. (With
// backoff growing over all restarts in the window, these 20 restarts would
// wait 1 ms, 2 ms, ... up to 10 s each: minutes.)
func TestIntermittentFatalDoesNotStall(t *testing.T) {
	f := flow.New(flow.Func("sometimes", func(_ context.Context, c *flow.Context) error {
		if n, _ := flow.Value[int](c, "n"); n%50 == 49 && c.Attempt() == 1 {
			if _, again := c.Get("seen"); !again {
				c.Set("seen", true)
				return flow.Fatal(errors.New("hiccup"))
			}
		}
		return nil
	}))
	rt, err := Start(context.Background(), f, Supervision(supervisor.Spec{MaxRestarts: 100, Within: time.Minute,
		Backoff: backoff.Exponential{Initial: time.Millisecond, Max: 10 * time.Second, Jitter: -1}}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var res []flow.Result
	go func() {
		defer close(done)
		res, _, err = collect(t, rt, numbered(1000))
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("restarts backed off as a crash loop: the run stalled")
	}
	if err != nil || len(res) != 1000 || rt.Snapshot().Totals.Restarts != 20 {
		t.Fatalf("err %v, %d results, %d restarts", err, len(res), rt.Snapshot().Totals.Restarts)
	}
}

// The redelivery limit is the flow's restart policy, as in flow.Run, also
// for a stage with its own supervision.
func TestRedeliveriesFromTheFlowsRestartPolicy(t *testing.T) {
	var calls atomic.Int64
	poison := flow.Func("poison", func(context.Context, *flow.Context) error {
		calls.Add(1)
		return flow.Fatal(errors.New("always"))
	})
	f := flow.New(poison).WithPolicy(flow.Policy{MaxRedeliveries: 1})
	rt, err := Start(context.Background(), f, Supervision(fastSupervision), StageSupervision("poison", fastSupervision))
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, rt, numbered(1))
	if err != nil || len(res) != 1 || res[0].Status != flow.Failed {
		t.Fatal(err, res)
	}
	if calls.Load() != 2 {
		t.Fatalf("%d calls, want 2: the first and one redelivery", calls.Load())
	}
}

// SubmitContext lets the caller know the input's ID before its result: the
// result carries the very context submitted.
func TestSubmitContext(t *testing.T) {
	rt, err := Start(context.Background(), flow.New(flow.Func("x", func(context.Context, *flow.Context) error { return nil })))
	if err != nil {
		t.Fatal(err)
	}
	c := flow.NewContext(map[string]any{"n": 1})
	if err := rt.SubmitContext(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if r := <-rt.Results(); r.Context != c || r.Context.ID() != c.ID() || r.Status != flow.Done {
		t.Fatalf("result %v for context %d", r, c.ID())
	}
	if err := rt.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Frequent retries are summarised, at most one event per stage per second,
// so they cannot push restarts out of the ring of recent events.
func TestRetryEventsAreCoalesced(t *testing.T) {
	f := flow.New(flow.Func("flaky", func(_ context.Context, c *flow.Context) error {
		if c.Attempt() == 1 {
			return flow.Retry(errors.New("busy"))
		}
		return nil
	})).WithPolicy(flow.Policy{Backoff: backoff.Exponential{Initial: time.Microsecond, Max: time.Microsecond}})
	rt, err := Start(context.Background(), f, Events(16))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, _, err := collect(t, rt, numbered(2000)); err != nil {
		t.Fatal(err)
	}
	allowed := int(time.Since(start)/time.Second) + 1 // one per second of run, per stage
	s := rt.Snapshot()
	retries := 0
	for _, e := range s.Events {
		if e.Kind == snapshot.EventRetry {
			retries++
		}
	}
	if s.Totals.Retried != 2000 || retries == 0 || retries > allowed {
		t.Fatalf("%d retries made %d events in the ring: want a summary, not one each", s.Totals.Retried, retries)
	}
}
