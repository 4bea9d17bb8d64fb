package tui

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// t0 is the fixtures' fixed clock.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture is a flow of 9 stages: a fork on "kind" whose "book" branch has two
// stages and "music" branch one, rejoining at enrich; validate is restarting,
// price-music is backpressured; events include repeats; dead letters carry
// hostile strings and very long values.
func fixture() snapshot.Snapshot {
	st := func(id int, name string, kind snapshot.Kind, path string, state snapshot.StageState, in, out float64, mbox, cap int, p50, p99 time.Duration) snapshot.Stage {
		return snapshot.Stage{
			ID: id, Name: name, Kind: kind, Path: path, State: state, Supervisor: "flow",
			Concurrency: 1, Received: uint64(in * 300), Done: uint64(out * 300),
			InRate: in, OutRate: out, Mailbox: mbox, MailboxCap: cap, InFlight: mbox + 1,
			P50: p50, P99: p99,
		}
	}
	ms := time.Millisecond
	stages := []snapshot.Stage{
		st(0, "decode", snapshot.KindService, "", snapshot.StageOK, 120, 120, 0, 64, 300*time.Microsecond, 2*ms),
		st(1, "validate", snapshot.KindService, "", snapshot.StageRestarting, 120, 118, 3, 64, ms, 9*ms),
		st(2, "route", snapshot.KindFork, "", snapshot.StageOK, 118, 118, 0, 64, 50*time.Microsecond, 400*time.Microsecond),
		st(3, "price-book", snapshot.KindService, "kind=book", snapshot.StageOK, 70, 70, 1, 64, 4*ms, 12*ms),
		st(4, "tax-book", snapshot.KindService, "kind=book", snapshot.StageOK, 70, 69.5, 0, 64, 2*ms, 5*ms),
		st(5, "price-music", snapshot.KindService, "kind=music", snapshot.StageBackpressure, 48, 31, 58, 64, 25*ms, 180*ms),
		st(6, "enrich", snapshot.KindService, "", snapshot.StageOK, 100.5, 100.5, 2, 64, 3*ms, 15*ms),
		st(7, "store", snapshot.KindService, "", snapshot.StageOK, 100.5, 100, 4, 64, 6*ms, 40*ms),
		st(8, "sink", snapshot.KindSink, "", snapshot.StageOK, 100, 100, 0, 0, 0, 0),
	}
	stages[1].Restarts, stages[1].Failed, stages[1].Retried = 3, 7, 2
	stages[1].LastError = "validate: price missing for input 4711"
	stages[1].Concurrency, stages[1].Timeout = 4, 2*time.Second
	stages[1].Expects, stages[1].Promises = []string{"price", "kind"}, []string{"valid"}
	stages[5].Retried, stages[5].Failed = 17, 2
	stages[5].LastError = "upstream \x1b[2Jtimeout\x07 after 3s"
	stages[5].Supervisor = "branches"
	stages[3].Supervisor, stages[4].Supervisor = "branches", "branches"

	ev := func(sec int, kind snapshot.EventKind, stage, msg string) snapshot.Event {
		return snapshot.Event{Time: t0.Add(5*time.Minute - time.Duration(sec)*time.Second), Kind: kind, Stage: stage, Message: msg}
	}
	var events []snapshot.Event
	events = append(events, ev(200, snapshot.EventPause, "", "intake paused by user"))
	events = append(events, ev(190, snapshot.EventResume, "", "intake resumed"))
	for i := 3; i >= 1; i-- {
		events = append(events, ev(60*i, snapshot.EventRestart, "validate", fmt.Sprintf("restarted after fatal: db closed (%d/10 in 5s)", 4-i)))
	}
	for i := 0; i < 17; i++ {
		events = append(events, ev(30-i*10/17, snapshot.EventRetry, "price-music", "retry: upstream timeout"))
	}
	events = append(events, ev(12, snapshot.EventDeadLetter, "validate", "input 4711 failed after 3 attempts \x1b[2J"))
	events = append(events, ev(5, snapshot.EventEscalation, "branches", "restart budget low \x1b]0;pwned\x07"))

	long := strings.Repeat("very-long-value-", 400)
	dead := []snapshot.DeadLetter{
		{ID: 4711, Time: t0.Add(4*time.Minute + 48*time.Second), Stage: "validate", Err: "price missing\x1b[2J\x1b[H: key \"price\" not set", Attempts: 3,
			Input: map[string]any{"id": 4711, "kind": "book", "title": "\x1b[31mred\x1b[0m title\r\nnext", "blob": long}},
		{ID: 4712, Time: t0.Add(4*time.Minute + 50*time.Second), Stage: "price-music", Err: "upstream timeout after 3s " + long, Attempts: 5,
			Input: map[string]any{"id": 4712, "kind": "music", "tags": []any{"a", "b"}}},
		{ID: 4790, Time: t0.Add(4*time.Minute + 58*time.Second), Stage: "price-music", Err: "bidi \u202etxt.exe\u202c and C1 \u009b31m", Attempts: 1,
			Input: map[string]any{"id": 4790, "kind": "music"}},
	}
	return snapshot.Snapshot{
		Flow: "demo", State: snapshot.Degraded, Started: t0, Taken: t0.Add(5 * time.Minute), MaxInFlight: 64,
		Totals: snapshot.Totals{Admitted: 36012, InFlight: 12, Done: 35840, Stopped: 157, Failed: 3, Retried: 19, Restarts: 3},
		InRate: 120, OutRate: 100,
		Stages: stages,
		Edges: []snapshot.Edge{{From: 0, To: 1}, {From: 1, To: 2}, {From: 2, To: 3, Label: "book"}, {From: 3, To: 4},
			{From: 2, To: 5, Label: "music"}, {From: 4, To: 6}, {From: 5, To: 6}, {From: 6, To: 7}, {From: 7, To: 8}},
		Supervisors: []snapshot.Supervisor{
			{Name: "flow", Strategy: "one-for-one", MaxRestarts: 10, Within: 5 * time.Second, Restarts: 3,
				Children: []string{"decode", "validate", "route", "branches", "enrich", "store", "sink"}},
			{Name: "branches", Parent: "flow", Strategy: "rest-for-one", MaxRestarts: 5, Within: time.Second, Restarts: 4,
				Children: []string{"price-book", "tax-book", "price-music"}},
			{Name: "store", Parent: "flow", Strategy: "one-for-one", MaxRestarts: 3, Within: time.Minute,
				Children: []string{"store"}},
		},
		Events:      events,
		DeadLetters: dead,
		Evicted:     2,
	}
}

// hostile is the fixture with escape sequences and huge strings in every
// name too.
func hostile() snapshot.Snapshot {
	s := fixture()
	s.Flow = "demo\x1b[2J\x1b]0;title\x07" + strings.Repeat("F", 300)
	for i := range s.Stages {
		s.Stages[i].Name = fmt.Sprintf("\x1b[31mstage%d\x1b[0m\r\n\t%s", i, strings.Repeat("名", i*20))
	}
	s.Supervisors[1].Children = []string{s.Stages[3].Name, s.Stages[5].Name}
	s.Edges[2].Label = "\x1b[5mbook" + strings.Repeat("!", 100)
	for i := range s.Events {
		s.Events[i].Stage = s.Stages[i%len(s.Stages)].Name
	}
	s.Err = "fatal \x1b[2J" + strings.Repeat("e", 1000)
	return s
}

// weird is the fixture with numbers no runtime should send: NaN and
// infinite rates, negative counts, edges to nowhere, a cycle, no names.
func weird() snapshot.Snapshot {
	s := fixture()
	s.InRate, s.OutRate = math.NaN(), math.Inf(1)
	s.Totals.InFlight, s.MaxInFlight = -3, 0
	s.Started = s.Taken.Add(time.Hour)
	for i := range s.Stages {
		st := &s.Stages[i]
		st.InRate, st.OutRate = math.Inf(1), math.NaN()
		st.Mailbox, st.MailboxCap, st.InFlight = -5, -1, -2
		st.P50, st.P99 = -time.Second, math.MaxInt64
		st.Name = ""
	}
	s.Edges = append(s.Edges, snapshot.Edge{From: 8, To: 0}, snapshot.Edge{From: 3, To: 42}, snapshot.Edge{From: 5, To: 5})
	s.Supervisors[0].MaxRestarts, s.Supervisors[0].Restarts = 0, 7
	s.Supervisors[1].Parent = "branches" // its own parent
	return s
}

// manyStages is a straight line of n services.
func manyStages(n int) snapshot.Snapshot {
	s := fixture()
	s.Stages = s.Stages[:0]
	s.Edges = nil
	for i := 0; i < n; i++ {
		s.Stages = append(s.Stages, snapshot.Stage{ID: i, Name: fmt.Sprintf("service-%03d", i), Kind: snapshot.KindService,
			State: snapshot.StageOK, InRate: float64(i), OutRate: float64(i), Mailbox: i % 64, MailboxCap: 64,
			P50: time.Duration(i) * time.Microsecond, P99: time.Duration(i) * time.Millisecond})
		if i > 0 {
			s.Edges = append(s.Edges, snapshot.Edge{From: i - 1, To: i})
		}
	}
	return s
}

// moving returns snap i of a sequence whose rates and counters move.
func moving(base snapshot.Snapshot, i int) snapshot.Snapshot {
	s := base
	s.Taken = base.Taken.Add(time.Duration(i-40) * 250 * time.Millisecond)
	s.Stages = append([]snapshot.Stage(nil), base.Stages...)
	f := 1 + 0.5*math.Sin(float64(i)/4)
	for j := range s.Stages {
		st := &s.Stages[j]
		st.OutRate *= f
		st.InRate *= f
		st.Done += uint64(i * 10)
		st.Mailbox = int(float64(st.Mailbox) * f)
		st.MailboxCap = max(st.MailboxCap, st.Mailbox)
		st.P99 = time.Duration(float64(st.P99) * (2 - f))
	}
	s.Totals.Done += uint64(i * 25)
	s.InRate, s.OutRate = s.InRate*f, s.OutRate*f
	return s
}

// fixtureModel is a model of size w×h that has seen 41 snapshots ending
// with snap.
func fixtureModel(snap snapshot.Snapshot, w, h int) model {
	m := newModel(context.Background(), &fakeSource{snap: snap}, DefaultRefresh, false)
	m = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	for i := 0; i <= 40; i++ {
		m = update(m, snapMsg{moving(snap, i)})
	}
	return update(m, snapMsg{snap})
}

// drive runs cmd and what it leads to, in order, as bubbletea would run a
// sequence (tea.Batch and tea.Sequence included), and applies each message.
func drive(m model, cmd tea.Cmd) model {
	if cmd == nil {
		return m
	}
	msg := cmd()
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() { // tea.BatchMsg, or the sequence bubbletea keeps unexported
			m = drive(m, v.Index(i).Interface().(tea.Cmd))
		}
		return m
	}
	nm, next := m.Update(msg)
	if _, ok := msg.(snapMsg); ok { // a snapshot schedules the next tick: stop here
		return nm.(model)
	}
	return drive(nm.(model), next)
}

func update(m model, msg tea.Msg) model {
	nm, _ := m.Update(msg)
	return nm.(model)
}

// fakeSource is a Source whose counters move on every Snapshot and which
// records what the monitor asked of it.
type fakeSource struct {
	mu       sync.Mutex
	snap     snapshot.Snapshot
	calls    int
	paused   int
	resumed  int
	replayed [][]uint64
	drained  int
	block    chan struct{} // when set, Drain waits for it or ctx
}

func (f *fakeSource) Snapshot() snapshot.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	s := f.snap
	if s.Taken.IsZero() {
		return s
	}
	s = moving(s, 40+f.calls)
	if f.paused > f.resumed {
		s.State = snapshot.Paused
	}
	return s
}

func (f *fakeSource) Pause(context.Context) error { f.mu.Lock(); f.paused++; f.mu.Unlock(); return nil }
func (f *fakeSource) Resume(context.Context) error {
	f.mu.Lock()
	f.resumed++
	f.mu.Unlock()
	return nil
}

func (f *fakeSource) Replay(_ context.Context, ids ...uint64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replayed = append(f.replayed, ids)
	if len(ids) == 0 {
		return len(f.snap.DeadLetters), nil
	}
	return len(ids), nil
}

func (f *fakeSource) Drain(ctx context.Context) error {
	f.mu.Lock()
	f.drained++
	b := f.block
	f.mu.Unlock()
	if b != nil {
		select {
		case <-b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (f *fakeSource) counts() (paused, resumed, drained int, replayed [][]uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paused, f.resumed, f.drained, append([][]uint64(nil), f.replayed...)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}
