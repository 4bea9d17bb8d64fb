package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestTUIUnderTmux runs the real demo flow with the terminal UI in a tmux
// session, as a user would, and reads the screen: the stage names are drawn,
// the counters move, the views switch, and q drains and quits.
func TestTUIUnderTmux(t *testing.T) {
	cmd := fmt.Sprintf("env %s=1 TERM=xterm-256color %q demo --rate 500; echo EXITED $?; sleep 30", asMain, os.Args[0])
	waitFor, send := tmuxSession(t, cmd)
	doneCount := func(s string) int {
		m := regexp.MustCompile(`done (\d+)`).FindStringSubmatch(s)
		if m == nil {
			return -1
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}

	first := waitFor("the graph with stage names", func(s string) bool {
		return strings.Contains(s, "orders") && strings.Contains(s, "fork(kind)") && doneCount(s) > 0
	})
	waitFor("counters to move", func(s string) bool { return doneCount(s) > doneCount(first) })

	send("2")
	waitFor("the services table", func(s string) bool {
		return strings.Contains(s, "SERVICE") && strings.Contains(s, "warehouse") && strings.Contains(s, "P99")
	})
	send("5")
	waitFor("the supervision tree", func(s string) bool { return strings.Contains(s, "one-for-one") })

	send("q")
	end := waitFor("flowrun to drain and exit", func(s string) bool { return strings.Contains(s, "EXITED") })
	if !strings.Contains(end, "EXITED 0") {
		t.Fatalf("flowrun did not exit 0:\n%s", end)
	}
}

// TestTUIQuitFailsNothing quits a run in the terminal UI while intake is
// blocked on backpressure: the input waiting for admission is not
// processed, so nothing fails and nothing is dead-lettered.
func TestTUIQuitFailsNothing(t *testing.T) {
	dir := t.TempDir()
	in, dead, out := inputFile(t, 5000), filepath.Join(dir, "dead.jsonl"), filepath.Join(dir, "out.jsonl")
	cmd := fmt.Sprintf("env %s=1 TERM=xterm-256color %q run testdata/slow.yaml --in %q --out %q --dead-letters %q --ui tui --exit-on-done; echo EXITED $?; sleep 30",
		asMain, os.Args[0], in, out, dead)
	waitFor, send := tmuxSession(t, cmd)
	waitForLines(t, out, 10) // running, and intake blocked at max_in_flight
	send("q")
	end := waitFor("flowrun to drain and exit", func(s string) bool { return strings.Contains(s, "EXITED") })
	s := parseSummary(t, end)
	s.accounts(t)
	if s.state != "quit" || s.failed != 0 || s.done != s.read {
		t.Errorf("summary %+v; want quit with every input read done:\n%s", s, end)
	}
	if letters := readLines(t, dead); len(letters) != 0 {
		t.Errorf("%d dead letters, want none: %v", len(letters), letters)
	}
	if got := len(readLines(t, out)); got != s.read {
		t.Errorf("%d results for %d lines read", got, s.read)
	}
}
