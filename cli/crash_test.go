package cli_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/stream"
)

// crashRecords is how many records the crash tests run: 100,000 (about
// 15 s under -race on 2 cores), or 20,000 with FLOWRUN_CRASH_SHORT=1;
// either way the process is killed a third of the way through.
func crashRecords() int {
	if os.Getenv("FLOWRUN_CRASH_SHORT") == "1" {
		return 20_000
	}
	return 100_000
}

// TestCrashResumesFromCheckpoint kills flowrun with SIGKILL mid-stream,
// restarts it with the same checkpoint, and checks the promise: every input
// line has a result, and the only lines with two are those after the
// checkpoint at the crash (read, maybe finished, but not yet recorded as
// durable: in flight, as far as the source knows), at most the run's bound
// on those (twice max_in_flight).
func TestCrashResumesFromCheckpoint(t *testing.T) {
	t.Parallel()
	n := crashRecords()
	in := inputFile(t, n)
	dir := t.TempDir()
	out, dead, ck := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "dead.jsonl"), filepath.Join(dir, "ck")
	args := []string{"run", "testdata/chaos.yaml", "--in", in, "--out", out, "--dead-letters", dead, "--checkpoint", ck, "--ui", "off"}

	cmd, _ := flowrunProcess(t, args...)
	waitForLines(t, out, n/3)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	atCrash := readCheckpoint(t, ck)
	if atCrash <= 0 || atCrash >= n {
		t.Fatalf("checkpoint at the crash: line %d, want one mid-stream", atCrash)
	}

	cmd, stderr := flowrunProcess(t, args...)
	if code, _ := waitExit(t, cmd, 5*time.Minute, stderr); code != 0 {
		t.Fatalf("restart exited %d:\n%s", code, tail(stderr.String()))
	}
	seen := resultsPerLine(t, out)
	dups := 0
	for line := 1; line <= n; line++ {
		switch k := seen[line]; {
		case k == 0:
			t.Fatalf("line %d has no result", line)
		case k > 1:
			dups += k - 1
			if line <= atCrash {
				t.Fatalf("line %d has %d results, but the checkpoint at the crash (line %d) said it was durable", line, k, atCrash)
			}
		}
	}
	if got := readCheckpoint(t, ck); got != n {
		t.Errorf("final checkpoint %d, want %d", got, n)
	}
	window := uncommittedBound(t, "testdata/chaos.yaml")
	if dups > window {
		t.Errorf("%d duplicates, but at most %d lines are read and not in the checkpoint at any time", dups, window)
	}
	t.Logf("%d records, killed with the checkpoint at line %d; %d duplicates, all after it (at most %d uncommitted)", n, atCrash, dups, window)
}

// TestDrainLeavesNoDuplicates interrupts flowrun with SIGTERM mid-stream
// and restarts it: a graceful drain records every durable result, so the
// restart repeats nothing.
func TestDrainLeavesNoDuplicates(t *testing.T) {
	t.Parallel()
	n := crashRecords() / 2
	in := inputFile(t, n)
	dir := t.TempDir()
	out, ck := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "ck")
	args := []string{"run", "testdata/chaos.yaml", "--in", in, "--out", out, "--checkpoint", ck, "--ui", "off"}

	cmd, stderr := flowrunProcess(t, args...)
	waitForLines(t, out, n/3)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, cmd, time.Minute, stderr)
	cmd, stderr = flowrunProcess(t, args...)
	if code, _ := waitExit(t, cmd, 5*time.Minute, stderr); code != 0 {
		t.Fatalf("restart exited %d:\n%s", code, tail(stderr.String()))
	}
	seen := resultsPerLine(t, out)
	for line := 1; line <= n; line++ {
		if seen[line] != 1 {
			t.Fatalf("line %d has %d results, want 1", line, seen[line])
		}
	}
}

// uncommittedBound is what a run of flow reads ahead of what it committed
// back to its source at most, by default: stream.WindowFor the flow file's
// max_in_flight (--max-uncommitted). It bounds the duplicates of a crash.
func uncommittedBound(t *testing.T, flow string) int {
	t.Helper()
	b, err := os.ReadFile(flow)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^max_in_flight: (\d+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s sets no max_in_flight", flow)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return stream.WindowFor(n)
}

func readCheckpoint(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Line int }
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("checkpoint %q: %v", b, err)
	}
	return c.Line
}

// resultsPerLine counts the result lines for each input line in path.
func resultsPerLine(t *testing.T, path string) map[int]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[int]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r struct{ Line int }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.Line == 0 {
			t.Fatalf("result line %q: %v", sc.Text(), err)
		}
		seen[r.Line]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return seen
}
