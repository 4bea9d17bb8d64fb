package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
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
	// Any moment after the first order was read is as good to interrupt
	// the demo (at --rate 0 an order waits for admission nearly always):
	// the first plain line that shows an order in flight or finished, or
	// an event about one.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stdout := &interruptOn{re: progressRE, cancel: cancel}
	hang := time.AfterFunc(time.Minute, func() { cancel(errors.New("no order in flight after a minute")) })
	defer hang.Stop()
	var errb bytes.Buffer
	code := cli.Execute(ctx, []string{"demo", "--ui", "plain", "--count", "0", "--rate", "0"},
		strings.NewReader(""), stdout, &errb, registry.Builtin())
	out := stdout.String()
	if err := context.Cause(ctx); !errors.Is(err, errProgress) {
		t.Fatalf("%v; stdout:\n%s", err, tail(out))
	}
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errb.String())
	}
	s := parseSummary(t, out)
	s.accounts(t)
	if n := stoppedAfter(t, out); n != s.read || n == 0 {
		t.Errorf("intake stopped after order %d, but read=%d:\n%s", n, s.read, tail(out))
	}
}

// errProgress is why interruptOn interrupted.
var errProgress = errors.New("interrupted once the output showed what was awaited")

// progressRE matches a plain progress line with an order in flight or
// done, or an event line about an order.
var progressRE = regexp.MustCompile(`\b(inflight|done|stopped|failed)=[1-9]|\binput=[0-9]`)

// interruptOn is a run's stdout that interrupts the run (the first SIGINT)
// with errProgress once what it was written matches re.
type interruptOn struct {
	re     *regexp.Regexp
	cancel context.CancelCauseFunc
	mu     sync.Mutex
	b      bytes.Buffer
	seen   bool
}

func (w *interruptOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if !w.seen && w.re.Match(w.b.Bytes()) {
		w.seen = true
		w.cancel(errProgress)
	}
	return n, err
}

func (w *interruptOn) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
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
