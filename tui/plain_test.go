package tui

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

func TestPlainLog(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newPlainLog(&out, 3*time.Second)
	s := hostile()
	s.Flow = "demo"
	if err := p.step(s, t0); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(s.Events)+1 {
		t.Fatalf("%d lines, want one per event and a progress line:\n%s", len(lines), out.String())
	}
	last := lines[len(lines)-1]
	for _, want := range []string{"flow=demo", "state=DEGRADED", "in/s=120.0", "out/s=100.0", "inflight=12/64",
		"done=35840", "stopped=157", "failed=3", "restarts=3"} {
		if !strings.Contains(last, want) {
			t.Errorf("progress line lacks %s: %s", want, last)
		}
	}
	if !strings.HasPrefix(lines[0], "time=2026-01-02T03:05:45Z event=pause") {
		t.Errorf("first event line: %s", lines[0])
	}

	// nothing new, no progress due: nothing printed
	out.Reset()
	_ = p.step(s, t0.Add(time.Second))
	if out.Len() != 0 {
		t.Errorf("repeated output: %q", out.String())
	}
	// one new event (the oldest dropped from the ring) and progress due
	s.Events = append(s.Events[1:], snapshot.Event{Time: s.Taken, Kind: snapshot.EventDrain, Message: "drain requested"})
	_ = p.step(s, t0.Add(3*time.Second))
	if got := strings.Split(strings.TrimSpace(out.String()), "\n"); len(got) != 2 || !strings.Contains(got[0], "event=drain") {
		t.Errorf("after a new event: %q", got)
	}
	out.Reset()
	_ = p.summary(s)
	if !strings.HasPrefix(out.String(), "msg=summary flow=demo") || !strings.Contains(out.String(), "dead_letters=3") {
		t.Errorf("summary: %s", out.String())
	}
	if !strings.Contains(out.String(), `err="fatal `) {
		t.Errorf("summary lacks the quoted error: %s", out.String())
	}
}

func TestKV(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":          "k=plain",
		"two words":      `k="two words"`,
		"":               `k=""`,
		"a=b":            `k="a=b"`,
		"\x1b[2Jclear\n": `k="clear "`,
		`quote"d`:        `k="quote\"d"`,
		"名前":             "k=名前",
	} {
		var b strings.Builder
		kv(&b, "k", in)
		if b.String() != want {
			t.Errorf("kv(%q) = %s, want %s", in, b.String(), want)
		}
	}
}

// noANSI fails when out has an escape or control byte other than newline.
func noANSI(t *testing.T, out []byte) {
	t.Helper()
	for i, c := range out {
		if c < 0x20 && c != '\n' || c == 0x7f {
			t.Fatalf("control byte %#x at %d: %q", c, i, out[max(0, i-20):min(len(out), i+20)])
		}
	}
}

func TestRunPlain(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 350*time.Millisecond)
	defer cancel()
	src := &fakeSource{snap: hostile()}
	if err := Run(ctx, src, Options{Mode: Auto, Out: &out, Refresh: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	b := out.Bytes()
	noANSI(t, b)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if !strings.HasPrefix(lines[len(lines)-1], "msg=summary") {
		t.Errorf("last line is not the summary: %s", lines[len(lines)-1])
	}
	if n := strings.Count(string(b), "event=retry"); n != 17 {
		t.Errorf("%d retry lines, want each event once (17)", n)
	}
	if src.calls < 2 {
		t.Errorf("polled %d times: want the first refresh and the final one at least", src.calls)
	}
}

func TestRunJSON(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	if err := Run(ctx, &fakeSource{snap: hostile()}, Options{Mode: JSON, Out: &out}); err != nil {
		t.Fatal(err)
	}
	b := out.Bytes()
	noANSI(t, b)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<22)
	n := 0
	for sc.Scan() {
		var s snapshot.Snapshot
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if len(s.Stages) != 9 {
			t.Errorf("line %d: %d stages", n, len(s.Stages))
		}
		n++
	}
	if n < 2 {
		t.Errorf("%d snapshots, want at least the first and the final one", n)
	}
}

func TestRunModes(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, &fakeSource{}, Options{Mode: TUI, Out: &out}); !errors.Is(err, ErrNotTerminal) {
		t.Errorf("TUI on a buffer: %v", err)
	}
	if err := Run(ctx, &fakeSource{}, Options{Mode: Off, Out: &out}); err != nil || out.Len() != 0 {
		t.Errorf("Off: %v, %q", err, out.String())
	}
	t.Setenv("NO_COLOR", "1")
	o := Options{Refresh: time.Hour}.withDefaults()
	if !o.NoColor || o.Refresh != MaxRefresh || o.Out == nil || o.In != nil {
		t.Errorf("defaults: %+v", o)
	}
	if o := (Options{Refresh: time.Nanosecond}).withDefaults(); o.Refresh != MinRefresh {
		t.Errorf("refresh not clamped: %v", o.Refresh)
	}
	if o := (Options{}).withDefaults(); o.Refresh != DefaultRefresh {
		t.Errorf("default refresh %v", o.Refresh)
	}
}

func TestPlainNoSummary(t *testing.T) {
	for _, no := range []bool{false, true} {
		var out strings.Builder
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // print the first progress line, then finish at once
		if err := Run(ctx, &fakeSource{snap: fixture()}, Options{Mode: Plain, Out: &out, NoSummary: no}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), "msg=summary"); got == no {
			t.Errorf("NoSummary %v: summary printed %v:\n%s", no, got, out.String())
		}
	}
}
