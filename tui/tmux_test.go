package tui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/internal/testpoll"
)

// TestTmux runs Run in Auto mode on a real terminal (a tmux pane), with
// stdin a pipe, against a
// fake source whose counters move: the TUI must start (never plain output
// on a TTY), show the stages, move, switch views and drain on q. The
// process under test is this test binary, re-executed as TestTmuxHelper.
func TestTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test drives a real terminal in tmux for several seconds")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed (.ci/run installs it)")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sock, result := filepath.Join(dir, "tmux.sock"), filepath.Join(dir, "result")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	// stdin is a pipe, as when inputs are piped into the CLI: keys must
	// come from the terminal, not from the pipe.
	run("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40",
		"sh", "-c", `yes | env TUI_TMUX_HELPER="$1" TERM=xterm-256color "$0" -test.run='^TestTmuxHelper$' -test.count=1`, exe, result)
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", sock, "kill-server").Run() })

	screen := func() string { return run("capture-pane", "-p", "-t", "e2e") }
	waitFor := func(what string) string {
		t.Helper()
		return testpoll.Value(t, fmt.Sprintf("%q appears", what), screen, func(s string) bool { return strings.Contains(s, what) })
	}
	done := regexp.MustCompile(`done (\d+(\.\d+)?k?)`)
	first := done.FindString(waitFor("price-music"))
	waitFor("bottleneck")
	run("send-keys", "-t", "e2e", "2")
	waitFor("THROUGHPUT")
	testpoll.Value(t, "the counters move from "+first, screen, func(s string) bool { return done.FindString(s) != first })
	run("send-keys", "-t", "e2e", "4")
	waitFor("#4711")
	if s := screen(); strings.Contains(s, "[2J") || strings.Contains(s, "pwned") {
		t.Errorf("escape sequences from data reached the terminal:\n%s", s)
	}
	run("send-keys", "-t", "e2e", "q")
	readResult := func() string { b, _ := os.ReadFile(result); return string(b) }
	got := testpoll.Value(t, "q ends the monitor (the helper writes its result)", readResult, func(s string) bool { return strings.HasSuffix(s, "\n") })
	if got != "err=<nil> drained=1\n" {
		t.Errorf("helper: %s", got)
	}
}

// TestTmuxHelper is the process TestTmux runs inside tmux.
func TestTmuxHelper(t *testing.T) {
	result := os.Getenv("TUI_TMUX_HELPER")
	if result == "" {
		t.Skip("not a test on its own: TestTmux re-executes the test binary to run the monitor here")
	}
	src := &fakeSource{snap: fixture()}
	err := Run(context.Background(), src, Options{Refresh: 100 * time.Millisecond})
	_, _, drained, _ := src.counts()
	if err := os.WriteFile(result, fmt.Appendf(nil, "err=%v drained=%d\n", err, drained), 0o600); err != nil {
		t.Fatal(err)
	}
}
