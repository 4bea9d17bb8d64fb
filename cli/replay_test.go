package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// writeRecording writes n snapshots 30 s apart, snapshot i with done = 10·i.
func writeRecording(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	enc := snapshot.NewEncoder(f)
	for i := range n {
		s := snapshot.Snapshot{
			Flow: "recorded", State: snapshot.Running, Started: t0, Taken: t0.Add(time.Duration(i) * 30 * time.Second),
			MaxInFlight: 8, Totals: snapshot.Totals{Admitted: uint64(10 * i), Done: uint64(10 * i)},
			Stages: []snapshot.Stage{{ID: 0, Name: "only", Kind: snapshot.KindService, State: snapshot.StageOK, Done: uint64(10 * i)}},
		}
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// flowrun replay plays a recording in the terminal UI: paused, ] and [ step
// forward and back, } jumps a minute, and every view shows that moment.
func TestReplayUnderTmux(t *testing.T) {
	rec := writeRecording(t, 20)
	cmd := fmt.Sprintf("env %s=1 TERM=xterm-256color %q replay %q; echo EXITED $?; sleep 30", asMain, os.Args[0], rec)
	waitFor, send := tmuxSession(t, cmd)
	done := regexp.MustCompile(`done (\d+) `)
	at := func(n, pos string) func(string) bool {
		return func(s string) bool {
			m := done.FindStringSubmatch(s)
			return m != nil && m[1] == n && strings.Contains(s, " "+pos+"/20")
		}
	}
	waitFor("the replay, playing", func(s string) bool { return strings.Contains(s, "replay ▶ 1x") && at("0", "1")(s) })
	send("space")
	waitFor("the replay, paused", func(s string) bool { return strings.Contains(s, "replay ⏸") })
	send("]")
	waitFor("a step forward", at("10", "2"))
	send("]")
	waitFor("another step forward", at("20", "3"))
	send("[")
	waitFor("a step back", at("10", "2"))
	send("}")
	waitFor("a minute forward", at("30", "4"))
	send("2")
	s := waitFor("the services view of that moment", func(s string) bool { return strings.Contains(s, "SERVICE") })
	if !at("30", "4")(s) {
		t.Errorf("the services view left the moment:\n%s", s)
	}
	send("q")
	if end := waitFor("flowrun to exit", func(s string) bool { return strings.Contains(s, "EXITED") }); !strings.Contains(end, "EXITED 0") {
		t.Errorf("replay did not exit 0:\n%s", end)
	}
}

func TestReplayUsageErrors(t *testing.T) {
	t.Parallel()
	empty := filepath.Join(t.TempDir(), "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"schema\":99}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "testdata/nope.jsonl"}, "nope.jsonl"},
		{[]string{"replay", empty}, "holds no snapshot"},
		{[]string{"replay", bad}, "snapshot 1"},
		{[]string{"replay", writeRecording(t, 2)}, "not a terminal"},
		{[]string{"replay", writeRecording(t, 2), "--speed", "0"}, "--speed must be positive"},
	} {
		r := execute(t, "", tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// run --record writes the snapshot stream replay reads.
func TestRunRecords(t *testing.T) {
	t.Parallel()
	rec := filepath.Join(t.TempDir(), "rec.jsonl")
	r := execute(t, "{\"id\":1}\n{\"id\":2}\n", "run", "testdata/pass.yaml", "--ui", "off", "--record", rec)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	f, err := os.Open(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := snapshot.NewDecoder(f)
	var last snapshot.Snapshot
	n := 0
	for {
		s, err := dec.Decode()
		if err != nil {
			break
		}
		last, n = s, n+1
	}
	if n == 0 || last.Flow != "pass" || last.Totals.Done != 2 || last.Totals.Read != 2 {
		t.Errorf("%d snapshots recorded, the last %+v", n, last.Totals)
	}
}
