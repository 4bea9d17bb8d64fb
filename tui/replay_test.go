package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

func replayOf(t *testing.T, n int, speed float64) model {
	t.Helper()
	var snaps []snapshot.Snapshot
	for i := range n {
		snaps = append(snaps, second(i))
	}
	m := newReplay(context.Background(), snaps, 250*time.Millisecond, speed, false)
	return update(m, teaSize(120, 40))
}

func TestReplayPlaysAtSpeed(t *testing.T) {
	t.Parallel()
	m := replayOf(t, 10, 1)
	if got := doneShown(t, m); got != "0" || !strings.Contains(m.render(), "replay ▶ 1x 0s of 9.0s") {
		t.Fatalf("start: done %s\n%s", got, m.render())
	}
	if _, ok := m.Init()().(playMsg); !ok {
		t.Fatal("a replay does not start playing")
	}
	for range 4 { // 4 × 250ms at 1x: a second of the recording
		m = update(m, playMsg(time.Now()))
	}
	if got := doneShown(t, m); got != "1" {
		t.Errorf("after a second at 1x: done %s", got)
	}
	m = press(m, "+", "+") // 4x: a second per tick
	m = update(m, playMsg(time.Now()))
	if got := doneShown(t, m); got != "2" || !strings.Contains(m.render(), "replay ▶ 4x") {
		t.Errorf("4x: done %s\n%s", got, m.render())
	}
	m = press(m, "space")
	m = update(m, playMsg(time.Now()))
	if got := doneShown(t, m); got != "2" || !strings.Contains(m.render(), "replay ⏸") {
		t.Errorf("paused, a tick moved it to %s", got)
	}
	m = press(m, "]", "]", "[")
	if got := doneShown(t, m); got != "3" {
		t.Errorf("] ] [: done %s", got)
	}
	m = press(m, "space", "+", "+", "+", "+")
	for range 20 {
		m = update(m, playMsg(time.Now()))
	}
	if got := doneShown(t, m); got != "9" || !strings.Contains(m.render(), "end of the recording") {
		t.Errorf("at the end: done %s\n%s", got, m.render())
	}
	if m = press(m, "space"); doneShown(t, m) != "0" {
		t.Errorf("space at the end does not play again from the start")
	}
}

// A replay cannot be steered, and says so; q quits.
func TestReplayControls(t *testing.T) {
	t.Parallel()
	m := replayOf(t, 3, 1)
	if out := m.render(); strings.Contains(out, "pause/resume intake") || !strings.Contains(out, "play/pause") {
		t.Errorf("footer of a replay:\n%s", out)
	}
	_, cmd := pressCmd(t, m, "q")
	if cmd == nil || cmd() == nil {
		t.Fatal("q does not quit a replay")
	}
}

// What Options.Record writes, Replay reads: the snapshot package's NDJSON.
func TestRecordWritesTheSnapshotStream(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, &fakeSource{snap: fixture()}, Options{Mode: Off, Record: &out}); err != nil {
		t.Fatal(err)
	}
	dec := snapshot.NewDecoder(&out)
	n := 0
	for {
		s, err := dec.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.Flow != "demo" || len(s.Stages) != 9 {
			t.Errorf("recorded %+v", s.Totals)
		}
		n++
	}
	if n != 2 { // one, then the last one at the end
		t.Errorf("%d snapshots recorded, want 2", n)
	}
}

func TestRecordReportsWriteErrors(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Run(ctx, &fakeSource{snap: fixture()}, Options{Mode: JSON, Out: io.Discard, Record: failWriter{}})
	if err == nil || !strings.Contains(err.Error(), "record") {
		t.Errorf("Run = %v, want the recording's write error", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }
