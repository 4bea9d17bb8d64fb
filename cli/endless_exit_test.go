package cli_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/cli"
)

// runIngress runs flowrun run FLOW --in http://127.0.0.1:0/in in the test
// process and returns its URL and its exit code, once ctx is cancelled (as
// SIGINT/SIGTERM would) and the run has ended.
func runIngress(t *testing.T, ctx context.Context, flow string, extra ...string) (url string, exited <-chan int, stdout, stderr *lockedBuffer) {
	t.Helper()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	code := make(chan int, 1)
	args := append([]string{"run", flow, "--in", "http://127.0.0.1:0/in", "--out", "-", "--ui", "off"}, extra...)
	go func() { code <- cli.Execute(ctx, args, strings.NewReader(""), stdout, stderr, nil) }()
	stderr.waitFor(t, "listening on http://", 30*time.Second)
	_, url, _ = strings.Cut(stderr.String(), "listening on ")
	url, _, _ = strings.Cut(url, " ")
	return url, code, stdout, stderr
}

// TestEndlessSourceDrainedExitsZero: a broker or HTTP source runs until a
// signal by design, so a clean drain after it is a completed run (exit 0),
// unlike a file or stdin run cut short by one (130, TestSIGINTDrains).
func TestEndlessSourceDrainedExitsZero(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	url, exited, _, stderr := runIngress(t, ctx, "testdata/ingress.yaml")
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"id":1,"kind":"ok"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if code := <-exited; code != 0 {
		t.Fatalf("exit %d after a clean drain, want 0:\n%s", code, stderr.String())
	}
	// Nothing was left unprocessed: the run must not say so.
	if strings.Contains(stderr.String(), "not processed") {
		t.Errorf("a clean drain of an endless source reports inputs not processed:\n%s", stderr.String())
	}
}

// TestEndlessSourceCutShortExits130: when the drain's deadline fails an
// input still in flight, even an endless source's run exits 130.
func TestEndlessSourceCutShortExits130(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	flow := filepath.Join(t.TempDir(), "hang.yaml")
	err := os.WriteFile(flow, []byte(`name: hang
input: {id: int, how: string}
steps:
  - fork: how
    branches:
      sleep: [{service: sleep, with: {for: 1h}}]
      pass: [{service: set, with: {values: {passed: true}}}]
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	url, exited, stdout, stderr := runIngress(t, ctx, flow, "--drain-timeout", "200ms")
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		// The first input sleeps for an hour: in flight when the drain's
		// deadline passes. The second passes; inputs are admitted in order,
		// so once its result is out the first is in flight.
		resp, err := http.Post(url, "application/x-ndjson", strings.NewReader("{\"id\":1,\"how\":\"sleep\"}\n{\"id\":2,\"how\":\"pass\"}\n"))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	stdout.waitFor(t, `"passed":true`, 30*time.Second)
	cancel()
	if code := <-exited; code != 130 {
		t.Fatalf("exit %d after the drain failed an input, want 130:\n%s", code, stderr.String())
	}
	<-answered
}
