package monitor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/tui"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The client is a tui.Source, and the runtime is what the endpoint serves.
var (
	_ tui.Source      = (*Client)(nil)
	_ snapshot.Source = (*actors.Runtime)(nil)
)

type fake struct {
	mu             sync.Mutex
	snap           snapshot.Snapshot
	paused, resume int
	replayed       [][]uint64
	drained        int
}

func (f *fake) Snapshot() snapshot.Snapshot  { f.mu.Lock(); defer f.mu.Unlock(); return f.snap }
func (f *fake) Pause(context.Context) error  { f.mu.Lock(); f.paused++; f.mu.Unlock(); return nil }
func (f *fake) Resume(context.Context) error { f.mu.Lock(); f.resume++; f.mu.Unlock(); return nil }
func (f *fake) Drain(context.Context) error  { f.mu.Lock(); f.drained++; f.mu.Unlock(); return nil }
func (f *fake) Replay(_ context.Context, ids ...uint64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(ids) == 1 && ids[0] == 666 {
		return 0, errors.New("draining")
	}
	f.replayed = append(f.replayed, ids)
	if len(ids) == 0 {
		return 3, nil // all: the fake holds three
	}
	return len(ids), nil
}

func TestAttachRoundTrip(t *testing.T) {
	started := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	src := &fake{snap: snapshot.Snapshot{
		Flow: "orders", State: snapshot.Running, Started: started, MaxInFlight: 64,
		Totals:      snapshot.Totals{Admitted: 10, Done: 9, InFlight: 1},
		Stages:      []snapshot.Stage{{Name: "parse", Kind: snapshot.KindService, P99: 3 * time.Millisecond, Done: 9}},
		Edges:       []snapshot.Edge{{From: 0, To: 1}},
		DeadLetters: []snapshot.DeadLetter{{ID: 7, Stage: "parse", Err: "bad", Input: map[string]any{"line": "x"}}},
	}}
	srv, err := Listen("127.0.0.1:0", src)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())
	c := Dial(srv.Addr())
	if err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := c.Snapshot()
	if s.Flow != "orders" || !s.Started.Equal(started) || s.Totals.Done != 9 || s.Stages[0].P99 != 3*time.Millisecond ||
		s.DeadLetters[0].Input["line"] != "x" || len(s.Edges) != 1 {
		t.Fatalf("snapshot over the wire: %+v", s)
	}
	ctx := context.Background()
	if err := c.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Replay(ctx, 7); n != 1 || err != nil {
		t.Fatalf("Replay(7) = %d, %v", n, err)
	}
	if n, err := c.Replay(ctx); n != 3 || err != nil {
		t.Fatalf("Replay() = %d, %v", n, err)
	}
	if _, err := c.Replay(ctx, 666); err == nil || !strings.Contains(err.Error(), "draining") {
		t.Fatalf("Replay error = %v, want the source's", err)
	}
	if err := c.Drain(ctx); !errors.Is(err, snapshot.ErrNotOwner) {
		t.Fatalf("Drain of an attached client = %v, want ErrNotOwner", err)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.paused != 1 || src.resume != 1 || len(src.replayed) != 2 || len(src.replayed[1]) != 0 || src.drained != 0 {
		t.Fatalf("source saw pause %d resume %d replays %v drains %d: quitting an attached monitor must not drain the flow",
			src.paused, src.resume, src.replayed, src.drained)
	}
}

func TestLostEndpointShowsInTheSnapshot(t *testing.T) {
	src := &fake{snap: snapshot.Snapshot{Flow: "orders", State: snapshot.Running}}
	srv, err := Listen("127.0.0.1:0", src)
	if err != nil {
		t.Fatal(err)
	}
	c := Dial("http://" + srv.Addr() + "/")
	if s := c.Snapshot(); s.State != snapshot.Running {
		t.Fatalf("state %s", s.State)
	}
	if err := srv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := c.Snapshot()
	if s.State != snapshot.Failed || s.Flow != "orders" || !strings.Contains(s.Err, "cannot reach") {
		t.Fatalf("after the endpoint went away: state %s flow %q err %q", s.State, s.Flow, s.Err)
	}
	if err := c.Check(context.Background()); err == nil {
		t.Fatal("Check succeeded against a closed endpoint")
	}
}

func TestListenLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.1.2.3:7070", "example.com:80"} {
		if _, err := Listen(addr, &fake{}); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("Listen(%q) = %v, want ErrNotLoopback", addr, err)
		}
	}
	if _, err := Listen("nonsense", &fake{}); err == nil {
		t.Error("Listen accepted an address without a port")
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		srv, err := Listen(addr, &fake{})
		if err != nil {
			if addr == "[::1]:0" { // IPv6 may be off on the machine
				continue
			}
			t.Fatalf("Listen(%q): %v", addr, err)
		}
		srv.Close(context.Background())
	}
}
