package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/serviceflow/serviceflow/internal/testpoll"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// flowrunProcess starts the test binary as flowrun (see TestMain) with args.
func flowrunProcess(t *testing.T, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asMain+"=1")
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, stderr
}

// lockedBuffer is a bytes.Buffer the test reads while the process writes.
type lockedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed (and replaced) at every write
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Len is how much was written so far: a mark for waitForSince.
func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

// waitFor waits until the buffer contains want, failing the test after limit.
func (l *lockedBuffer) waitFor(t *testing.T, want string, limit time.Duration) {
	t.Helper()
	l.waitForSince(t, 0, want, limit)
}

// waitForSince waits until what was written after the first mark bytes
// contains want, failing the test after limit.
func (l *lockedBuffer) waitForSince(t *testing.T, mark int, want string, limit time.Duration) {
	t.Helper()
	timeout := time.After(limit)
	for {
		l.mu.Lock()
		if strings.Contains(l.b.String()[mark:], want) {
			l.mu.Unlock()
			return
		}
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("never saw %q in:\n%s", want, tail(l.String()))
		}
	}
}

// waitForLines waits until the file at path has n lines.
func waitForLines(t *testing.T, path string, n int) {
	t.Helper()
	testpoll.Until(t, fmt.Sprintf("%s has %d lines", path, n), func() bool {
		data, _ := os.ReadFile(path)
		return bytes.Count(data, []byte("\n")) >= n
	})
}

// waitExit waits for cmd, failing the test after limit, and returns its code.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration, stderr *lockedBuffer) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), time.Since(start)
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running %v after the signal; stderr:\n%s", limit, tail(stderr.String()))
	}
	return 0, 0
}

func inputFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "{\"id\": %d}\n", i)
	}
	path := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSIGINTDrains(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out, dead := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "dead.jsonl")
			cmd, stderr := flowrunProcess(t, "run", "testdata/slow.yaml", "--in", inputFile(t, 5000),
				"--out", out, "--dead-letters", dead, "--ui", "off", "--drain-timeout", "1m")
			waitForLines(t, out, 10)
			cmd.Process.Signal(sig)
			// The inputs in flight take 100 ms each: the drain ends when
			// they are done, long before its deadline, whatever the load
			// (none failed proves it); the limit is a hang guard past it.
			code, took := waitExit(t, cmd, 2*time.Minute, stderr)
			if code != 130 {
				t.Errorf("exit %d after %v, want 130; stderr:\n%s", code, took, stderr)
			}
			s := parseSummary(t, stderr.String())
			s.accounts(t)
			if s.state != "interrupted" || s.read == 0 || s.read >= 5000 || s.failed != 0 {
				t.Errorf("summary %+v; want interrupted, some lines read, every one done", s)
			}
			if got := len(readLines(t, out)); got != s.read {
				t.Errorf("%d results for %d lines read", got, s.read)
			}
			if got := len(readLines(t, dead)); got != s.failed {
				t.Errorf("%d dead letters for %d failed", got, s.failed)
			}
		})
	}
}

func TestSIGINTDrainDeadline(t *testing.T) {
	t.Parallel()
	dead := filepath.Join(t.TempDir(), "dead.jsonl")
	cmd, stdin, stdout, stderr := pipedProcess(t, "run", "testdata/hang.yaml", "--ui", "off",
		"--drain-timeout", "500ms", "--dead-letters", dead)
	defer stdin.Close()
	// Line 1 sleeps for an hour; once line 2's result is out, line 1 is in
	// flight (inputs are admitted in order).
	fmt.Fprint(stdin, "{\"id\": 1, \"how\": \"sleep\"}\n{\"id\": 2, \"how\": \"pass\"}\n")
	stdout.waitFor(t, `"line":2`, 30*time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	// Exiting before the default --drain-timeout (10s) could have ended the
	// drain shows that the flag's 500ms did: the 9.5s margin is for a
	// loaded machine, and the bound cannot grow past the default.
	code, _ := waitExit(t, cmd, 10*time.Second, stderr)
	if code != 130 {
		t.Errorf("exit %d, want 130; stderr:\n%s", code, stderr)
	}
	s := parseSummary(t, stderr.String())
	s.accounts(t)
	if s.state != "interrupted" || s.read != 2 || s.done != 1 || s.failed != 1 {
		t.Errorf("summary %+v; want the input in flight failed at the deadline", s)
	}
	if !strings.Contains(stdout.String(), `"line":1,"status":"failed"`) || !strings.Contains(stdout.String(), "drain deadline") {
		t.Errorf("line 1 has no failed result naming the deadline:\n%s", stdout)
	}
	letters := readLines(t, dead)
	if len(letters) != 1 || letters[0]["id"] != 1.0 || letters[0]["how"] != "sleep" {
		t.Errorf("dead letters %v, want line 1's original input", letters)
	}
}

// pipedProcess starts the test binary as flowrun with args, its stdin a pipe
// the test writes and its stdout and stderr buffers the test waits on.
func pipedProcess(t *testing.T, args ...string) (cmd *exec.Cmd, stdin io.WriteCloser, stdout, stderr *lockedBuffer) {
	t.Helper()
	cmd = exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asMain+"=1")
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, stdin, stdout, stderr
}

// A second signal stops waiting for the inputs in flight, but still reports
// each of them (Failed, dead-lettered) and writes the summary, at once
// rather than at the drain deadline. testdata/hang.yaml holds inputs until
// their context ends (sleep honours it) or for ever (stubborn ignores it, as
// a broken service would).
func TestSecondSignalRecordsTheInputsInFlight(t *testing.T) {
	t.Parallel()
	for _, service := range []string{"sleep", "stubborn"} {
		t.Run(service, func(t *testing.T) {
			t.Parallel()
			dead := filepath.Join(t.TempDir(), "dead.jsonl")
			cmd, stdin, stdout, stderr := pipedProcess(t, "run", "testdata/hang.yaml", "--ui", "off",
				"--drain-timeout", "1m", "--dead-letters", dead)
			defer stdin.Close()
			// Line 1 waits; line 2 passes, so once its result is out line 1
			// is in flight (inputs are admitted in order).
			fmt.Fprintf(stdin, "{\"id\": 1, \"how\": %q}\n{\"id\": 2, \"how\": \"pass\"}\n", service)
			stdout.waitFor(t, `"line":2`, 30*time.Second)
			cmd.Process.Signal(syscall.SIGINT)
			stderr.waitFor(t, "draining", 30*time.Second)
			cmd.Process.Signal(syscall.SIGINT)
			// Well before the 1m drain deadline (the promise is a second; the
			// margin is for a loaded machine).
			code, _ := waitExit(t, cmd, 10*time.Second, stderr)
			if code != 130 {
				t.Errorf("exit %d, want 130; stderr:\n%s", code, stderr)
			}
			s := parseSummary(t, stderr.String())
			s.accounts(t)
			if s.state != "interrupted" || s.read != 2 || s.done != 1 || s.failed != 1 {
				t.Errorf("summary %+v; want interrupted, read 2, done 1, failed 1; stderr:\n%s", s, stderr)
			}
			var parked map[string]any
			for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("result line %q: %v", line, err)
				}
				if m["line"] == 1.0 {
					parked = m
				}
			}
			if parked == nil || parked["status"] != "failed" || parked["error"] == "" {
				t.Errorf("the input in flight has no failed result: %v\nstdout:\n%s", parked, stdout)
			}
			letters := readLines(t, dead)
			if len(letters) != 1 || letters[0]["id"] != 1.0 || letters[0]["how"] != service {
				t.Errorf("dead letters %v, want the parked input", letters)
			}
		})
	}
}
