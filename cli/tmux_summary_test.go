package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/internal/testpoll"
)

// tmuxSession starts cmd in a detached 120×40 tmux session and returns a
// function that waits until the screen satisfies ok, and one that sends keys.
func tmuxSession(t *testing.T, cmd string) (waitFor func(what string, ok func(string) bool) string, send func(keys ...string)) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; .ci/run installs it")
		}
		t.Skip("tmux is not installed (apt-get install tmux); CI installs it and runs this test")
	}
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", "s", "-x", "120", "-y", "40", cmd)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
	screen := func() string { return strings.TrimRight(tmux("capture-pane", "-t", "s", "-p"), "\n ") }
	waitFor = func(what string, ok func(string) bool) string {
		t.Helper()
		return testpoll.Value(t, what, screen, ok)
	}
	send = func(keys ...string) { tmux(append([]string{"send-keys", "-t", "s"}, keys...)...) }
	return waitFor, send
}

// A short run in the terminal UI holds its summary until q, with the
// malformed line counted and listed among the events; then flowrun exits 0.
func TestTUISummaryHoldsUnderTmux(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte("{\"id\":1}\nnot json\n{\"id\":2}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := fmt.Sprintf("env %s=1 TERM=xterm-256color %q run testdata/pass.yaml --in %q --out /dev/null --ui tui; echo EXITED $?; sleep 30",
		asMain, os.Args[0], in)
	waitFor, send := tmuxSession(t, cmd)
	s := waitFor("the summary", func(s string) bool { return strings.Contains(s, "run complete") })
	for _, want := range []string{`malformed 1`, `read\s+3`, `done\s+2`} {
		if !regexp.MustCompile(want).MatchString(s) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	send("3")
	waitFor("the malformed line among the events", func(s string) bool {
		return strings.Contains(s, "malformed") && strings.Contains(s, "line 2: invalid JSON")
	})
	if s := waitFor("the screen", func(string) bool { return true }); strings.Contains(s, "EXITED") {
		t.Fatalf("flowrun exited before q:\n%s", s)
	}
	send("q")
	end := waitFor("flowrun to exit", func(s string) bool { return strings.Contains(s, "EXITED") })
	if !strings.Contains(end, "EXITED 0") || !strings.Contains(end, "malformed=1") {
		t.Fatalf("flowrun did not exit 0 with its summary:\n%s", end)
	}
}

// In the demo's terminal UI, t on a service opens its tap: contexts going
// through it, with their input, attempt and time spent.
func TestTUITapUnderTmux(t *testing.T) {
	cmd := fmt.Sprintf("env %s=1 TERM=xterm-256color %q demo --rate 300; echo EXITED $?; sleep 30", asMain, os.Args[0])
	waitFor, send := tmuxSession(t, cmd)
	waitFor("the services", func(s string) bool { return strings.Contains(s, "fork(kind)") })
	send("2")
	waitFor("the services table", func(s string) bool { return strings.Contains(s, "SERVICE") })
	send("j", "j") // around(timer), its exit, then validate
	waitFor("validate selected", func(s string) bool { return strings.Contains(s, "▸ validate") })
	send("t")
	waitFor("samples of validate", func(s string) bool {
		return strings.Contains(s, "tap validate") && regexp.MustCompile(`#\d+  attempt \d+  took `).MatchString(s)
	})
	send("esc", "q")
	if end := waitFor("flowrun to exit", func(s string) bool { return strings.Contains(s, "EXITED") }); !strings.Contains(end, "EXITED 0") {
		t.Errorf("demo did not exit 0:\n%s", end)
	}
}
