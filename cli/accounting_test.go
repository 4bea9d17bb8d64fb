package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/registry"
)

// interruptingReader is a stream that interrupts the run reading it: it
// gives its first chunk, then, when asked for more, cancels the run (the
// first SIGINT) and gives the rest.
type interruptingReader struct {
	chunks [][]byte
	cancel context.CancelFunc
	n      int
}

func (r *interruptingReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	if r.n == 1 {
		r.cancel()
	}
	n := copy(p, r.chunks[0])
	if r.chunks[0] = r.chunks[0][n:]; len(r.chunks[0]) == 0 {
		r.chunks, r.n = r.chunks[1:], r.n+1
	}
	return n, nil
}

func lines(from, to int) []byte {
	var b bytes.Buffer
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "{\"id\": %d}\n", i)
	}
	return b.Bytes()
}

var stoppedAfterRE = regexp.MustCompile(`intake stopped after (?:line|order) (\d+)`)

// stoppedAfter is N in the summary's "intake stopped after line N".
func stoppedAfter(t *testing.T, stderr string) int {
	t.Helper()
	m := stoppedAfterRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no \"intake stopped after\" line in:\n%s", tail(stderr))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// An interrupt while an input waits for admission (backpressure) must not
// fail that input: it was read but never processed, so it is not counted,
// gets no result line and no dead letter, and the summary's read= agrees
// with "intake stopped after line N" (blank lines accounted for).
func TestInterruptDoesNotFailTheInputWaitingForAdmission(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &interruptingReader{
		chunks: [][]byte{append([]byte("\n"), lines(1, 40)...), lines(41, 80)},
		cancel: cancel,
	}
	dead := filepath.Join(t.TempDir(), "dead.jsonl")
	var out, errb bytes.Buffer
	code := cli.Execute(ctx, []string{"run", "testdata/slow.yaml", "--ui", "off", "--drain-timeout", "1m", "--dead-letters", dead},
		in, &out, &errb, registry.Builtin())
	stderr := errb.String()
	if code != cli.ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, cli.ExitInterrupted, stderr)
	}
	s := parseSummary(t, stderr)
	s.accounts(t)
	if s.state != "interrupted" || s.failed != 0 || s.done != s.read || s.read == 0 {
		t.Errorf("summary %+v; want interrupted, every input read done, none failed:\n%s", s, stderr)
	}
	if strings.Contains(out.String(), "not admitted") || strings.Contains(out.String(), `"failed"`) {
		t.Errorf("an input that was not admitted has a failed result:\n%s", tail(out.String()))
	}
	if got := strings.Count(out.String(), "\n"); got != s.read {
		t.Errorf("%d results for %d lines read", got, s.read)
	}
	if got := len(readLines(t, dead)); got != 0 {
		t.Errorf("%d dead letters, want none", got)
	}
	if s.blank != 1 {
		t.Errorf("summary says blank=%d, want 1 (line 1 is blank):\n%s", s.blank, stderr)
	}
	if n := stoppedAfter(t, stderr); n != s.read+s.blank {
		t.Errorf("intake stopped after line %d, but read=%d blank=%d:\n%s", n, s.read, s.blank, stderr)
	}
}

// The demo, stopped while an order waits for admission, says how many
// orders it read and after which one it stopped, and the two agree.
func TestDemoInterruptedReadAgreesWithStoppedAfter(t *testing.T) {
	t.Parallel()
	// The demo has no hook to wait on: any moment is as good to interrupt
	// it, and the assertions hold whenever it comes.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	r := executeCtx(t, ctx, "", "demo", "--ui", "off", "--count", "0", "--rate", "0")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	s := parseSummary(t, r.stdout)
	s.accounts(t)
	if n := stoppedAfter(t, r.stdout); n != s.read {
		t.Errorf("intake stopped after order %d, but read=%d:\n%s", n, s.read, r.stdout)
	}
}

// A failing output ends the run with a summary that says so, not
// "complete", and exit status 1.
func TestWriteErrorIsNotComplete(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "run", "testdata/pass.yaml", "--in", inputFile(t, 200), "--out", "/dev/full", "--ui", "off")
	if r.code != cli.ExitFlowFailed {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	s := parseSummary(t, r.stderr)
	s.accounts(t)
	if s.state != "write-error" {
		t.Errorf("summary state %q, want write-error:\n%s", s.state, r.stderr)
	}
	if !strings.Contains(r.stderr, "no space left on device") {
		t.Errorf("the write error is not reported:\n%s", r.stderr)
	}
}
