package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/tui"
)

// watchFlow is the flow file of the reload tests; step is its second step.
func watchFlow(step string) string {
	return "name: reload\nmax_in_flight: 16\nsteps:\n  - service: gate\n  - " + step + "\n"
}

// watchRun runs `flowrun run FLOW --watch --ui off` in-process over n input
// lines, with the service gate: at its call number at, it writes edit to
// the flow file, makes the watcher poll, and waits until the watcher has
// reported an event of kind want before it lets the input go on (so the
// stream is still being read, with inputs in flight, when the flow
// switches). It returns the result lines by input line, stderr and the
// events reported.
func watchRun(t *testing.T, n, at int, edit string, want snapshot.EventKind) (map[int][]map[string]any, string, []snapshot.Event) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flow.yaml")
	if err := os.WriteFile(path, []byte(watchFlow("service: set\n    with: {values: {gen: 1}}")), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ticks := make(chan time.Time, 1)
	var (
		mu     sync.Mutex
		events []snapshot.Event
		once   sync.Once
	)
	seen := make(chan struct{})
	notify := func(e snapshot.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
		if e.Kind == want {
			once.Do(func() { close(seen) })
		}
	}
	var calls atomic.Int64
	reg := registry.Builtin()
	reg.Register("gate", registry.Spec{
		Doc: "Lets inputs through; at one call, edits the flow file and waits for the reload (a test service).",
		Build: func(registry.Params) (flow.Service, error) {
			return flow.Func("gate", func(ctx context.Context, _ *flow.Context) error {
				if calls.Add(1) != int64(at) {
					return nil
				}
				if err := os.WriteFile(path, []byte(edit), 0o644); err != nil {
					return err
				}
				ticks <- time.Now()
				select {
				case <-seen:
				case <-ctx.Done():
				}
				return nil
			}), nil
		},
	})
	var in strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&in, "{\"n\": %d}\n", i)
	}
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(in.String()), stdout: serialized(&out), stderr: serialized(&errb), reg: reg}
	fl := runFlags{
		in: "-", out: "-", ui: "off", outFormat: "result", refresh: tui.DefaultRefresh, drainTimeout: time.Minute,
		watch: true, watchTicks: ticks, watchNotify: notify,
	}
	if err := e.run(ctx, path, fl); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, watchTail(errb.String()))
	}
	select {
	case <-seen:
	default:
		t.Fatalf("no %s event; stderr:\n%s", want, watchTail(errb.String()))
	}
	byLine := map[int][]map[string]any{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r struct {
			Line   int            `json:"line"`
			Status string         `json:"status"`
			Values map[string]any `json:"values"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("result line %q: %v", l, err)
		}
		if r.Status != "done" {
			t.Errorf("line %d: status %s, want done", r.Line, r.Status)
		}
		byLine[r.Line] = append(byLine[r.Line], r.Values)
	}
	mu.Lock()
	defer mu.Unlock()
	return byLine, errb.String(), events
}

// A valid edit mid-stream, under load: every input gets exactly one result;
// those submitted before the switch ran the old flow, the others the new
// one, and the monitor's event says so.
func TestWatchReloadMidStreamEveryInputOnce(t *testing.T) {
	const n = 3000
	byLine, stderr, events := watchRun(t, n, 50, watchFlow("service: set\n    with: {values: {gen: 2}}"), snapshot.EventReload)
	switched := 0 // the first line on the new flow
	for line := 1; line <= n; line++ {
		rs := byLine[line]
		if len(rs) != 1 {
			t.Fatalf("line %d: %d results, want exactly 1", line, len(rs))
		}
		gen := rs[0]["gen"]
		switch {
		case gen == float64(2) && switched == 0:
			switched = line
		case gen == float64(1) && switched != 0:
			t.Fatalf("line %d ran the old flow, after line %d ran the new one", line, switched)
		case gen != float64(1) && gen != float64(2):
			t.Fatalf("line %d: gen %v", line, gen)
		}
	}
	if len(byLine) != n {
		t.Fatalf("%d lines have results, want %d", len(byLine), n)
	}
	if switched <= 50 || switched == n {
		t.Fatalf("the new flow took over at line %d; want after the 50th input and before the end", switched)
	}
	t.Logf("the new flow took over at line %d", switched)
	if !strings.Contains(stderr, "flowrun: reload: ") || !strings.Contains(stderr, "generation 2 takes new inputs") {
		t.Errorf("stderr does not report the reload:\n%s", watchTail(stderr))
	}
	var drained bool
	for _, e := range events {
		drained = drained || e.Kind == snapshot.EventReload && strings.HasPrefix(e.Message, "generation 1 drained")
	}
	if !drained {
		t.Errorf("no event says generation 1 drained: %v", events)
	}
	if !strings.Contains(stderr, fmt.Sprintf("read=%d", n)) || !strings.Contains(stderr, fmt.Sprintf("done=%d", n)) {
		t.Errorf("summary does not account for %d inputs:\n%s", n, watchTail(stderr))
	}
}

// An edit that doesn't validate keeps the old flow running, and its
// problem is reported with its file:line:col, as an event and on stderr.
func TestWatchBrokenEditKeepsTheOldFlow(t *testing.T) {
	const n = 500
	byLine, stderr, events := watchRun(t, n, 20, watchFlow("service: sett"), snapshot.EventReloadFailed)
	for line := 1; line <= n; line++ {
		if rs := byLine[line]; len(rs) != 1 || rs[0]["gen"] != float64(1) {
			t.Fatalf("line %d: results %v, want one of the old flow (gen 1)", line, rs)
		}
	}
	var pos string
	for _, e := range events {
		if e.Kind == snapshot.EventReloadFailed && strings.Contains(e.Message, "flow.yaml:5:14: ") {
			pos = e.Message
		}
		if e.Kind == snapshot.EventReload {
			t.Errorf("a broken edit was reloaded: %v", e)
		}
	}
	t.Logf("reported: %s", pos)
	if pos == "" {
		t.Fatalf("no reload-failed event at flow.yaml:5:14: %v", events)
	}
	if !strings.Contains(stderr, "flowrun: reload-failed: ") || !strings.Contains(stderr, "flow.yaml:5:14: ") {
		t.Errorf("stderr does not report the problem at flow.yaml:5:14:\n%s", watchTail(stderr))
	}
}

// watchTail is the end of a long stderr, for failure messages.
func watchTail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

// The live runtime's snapshots follow the switch: the reload events are in
// them, and the totals count the retired flow's inputs with the new one's.
func TestWatchSnapshotShowsTheSwitch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flow.yaml")
	if err := os.WriteFile(path, []byte("v1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stamp, _, _, err := stampFile(path, fileStamp{})
	if err != nil {
		t.Fatal(err)
	}
	gen := func(n int) *flow.Flow {
		return flow.New(flow.Func("mark", func(_ context.Context, c *flow.Context) error {
			c.Set("gen", n)
			return nil
		}))
	}
	ticks := make(chan time.Time, 1)
	evs := make(chan snapshot.Event, 16)
	spec := &watchSpec{
		path: path, stamp: stamp, ticks: ticks,
		build:  func(string, []byte) (*flow.Flow, []actors.Option, error) { return gen(2), nil, nil },
		notify: func(e snapshot.Event) { evs <- e },
	}
	ctx := context.Background()
	l, err := startLive(ctx, gen(1), nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	submit := func(k int) {
		for range k {
			if err := l.SubmitContext(ctx, flow.NewContext(nil)); err != nil {
				t.Fatal(err)
			}
			if r := <-l.Results(); r.Status != flow.Done {
				t.Fatalf("result %v", r)
			}
		}
	}
	submit(10)
	ticks <- time.Now() // unchanged: no reload
	if err := os.WriteFile(path, []byte("v2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ticks <- time.Now()
	if e := <-evs; e.Kind != snapshot.EventReload || !strings.Contains(e.Message, "generation 2 takes new inputs") {
		t.Fatalf("first event %v, want the reload", e)
	}
	if e := <-evs; e.Kind != snapshot.EventReload || !strings.HasPrefix(e.Message, "generation 1 drained: 10 done") {
		t.Fatalf("second event %v, want generation 1 drained", e)
	}
	submit(5)
	s := l.Snapshot()
	if s.Totals.Admitted != 15 || s.Totals.Done != 15 {
		t.Errorf("totals %+v, want 15 admitted and done", s.Totals)
	}
	var reloads int
	for _, e := range s.Events {
		if e.Kind == snapshot.EventReload {
			reloads++
		}
	}
	if reloads != 2 {
		t.Errorf("snapshot has %d reload events, want 2: %v", reloads, s.Events)
	}
	if err := l.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-l.Results(); ok {
		t.Fatal("Results not closed after Drain")
	}
}
