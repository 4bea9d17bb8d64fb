package streaming_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/registry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// flowrun runs the CLI in-process, from the repository root like the
// documented command.
func flowrun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Execute(context.Background(), args, strings.NewReader(""), &out, &errb, registry.Builtin())
	return code, out.String(), errb.String()
}

func TestDocumentedCommand(t *testing.T) {
	t.Chdir("../..")
	dead := filepath.Join(t.TempDir(), "dead.jsonl")
	code, stdout, stderr := flowrun(t, "run", "examples/streaming/orders.yaml",
		"--in", "examples/streaming/orders.jsonl", "--dead-letters", dead, "--ui", "off")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	totals := map[string]any{}
	statuses := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r struct {
			Status string         `json:"status"`
			Values map[string]any `json:"values"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not a result line: %q", line)
		}
		id := r.Values["id"].(string)
		statuses[id], totals[id] = r.Status, r.Values["total"]
	}
	want := map[string]string{"o-1": "done", "o-2": "done", "o-3": "stopped", "o-4": "failed", "o-7": "done"}
	for id, st := range want {
		if statuses[id] != st {
			t.Errorf("%s: status %q, want %q", id, statuses[id], st)
		}
	}
	if totals["o-1"] != 28.75 || totals["o-7"] != 30.45 {
		t.Errorf("totals %v", totals)
	}
	if _, ok := statuses["o-6"]; ok {
		t.Errorf("o-6 (price \"free\" where the file declares float) has a result")
	}
	if !strings.Contains(stderr, `msg="malformed line" line=5`) {
		t.Errorf("line 5 not reported as malformed:\n%s", stderr)
	}
	if !strings.Contains(stderr, `msg="malformed line" line=6 reason="invalid input"`) {
		t.Errorf("line 6 (a price that is not a number) not reported as malformed:\n%s", stderr)
	}
	if !strings.Contains(stderr, "summary: complete read=7 malformed=2 done=3 stopped=1 failed=1") {
		t.Errorf("summary does not account for the 7 lines:\n%s", stderr)
	}

	// The dead letters replay.
	data, err := os.ReadFile(dead)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(data), "\n"); got != 1 {
		t.Fatalf("%d dead letters, want 1:\n%s", got, data)
	}
	code, _, stderr = flowrun(t, "run", "examples/streaming/orders.yaml", "--in", dead, "--ui", "off")
	if code != 0 || !strings.Contains(stderr, "summary: complete read=1 malformed=0 done=0 stopped=0 failed=1") {
		t.Errorf("replay: exit %d:\n%s", code, stderr)
	}
}

// The example's test cases (orders_test.yaml) pass: CI runs them through
// this test, as the README's command does.
func TestCases(t *testing.T) {
	t.Chdir("../..")
	code, stdout, stderr := flowrun(t, "test", "examples/streaming")
	if code != 0 {
		t.Errorf("flowrun test: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.HasSuffix(stdout, "7 passed, 0 failed\n") {
		t.Errorf("want 7 cases passed:\n%s", stdout)
	}
}

// named.yaml names its input and output: it runs with no stream flag,
// from the repository root as from anywhere else.
func TestNamedStreams(t *testing.T) {
	abs, err := filepath.Abs("named.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"../..", t.TempDir()} {
		t.Chdir(dir)
		code, stdout, stderr := flowrun(t, "run", abs, "--ui", "off")
		if code != 0 || !strings.Contains(stderr, "summary: complete read=7 malformed=2 done=4 stopped=1 failed=0") {
			t.Fatalf("from %s: exit %d:\n%s", dir, code, stderr)
		}
		if !strings.Contains(stdout, `{"id":"o-1","kind":"book","price":12.5,"qty":2,"total":25}`) {
			t.Errorf("from %s: stdout %q, want values objects (out_format: values)", dir, stdout)
		}
	}
}
