package cli_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A flow file with two batched steps: http sends one request per batch and
// maps the response array back, append writes each batch with one fsync.
// Every line gets one result, the file holds one line per input, and the
// server saw far fewer requests than inputs.
func TestRunBatchedSteps(t *testing.T) {
	var requests, elements atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in []struct{ N int }
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		requests.Add(1)
		elements.Add(int64(len(in)))
		out := make([]int, len(in))
		for i, x := range in {
			out[i] = x.N * x.N
		}
		json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()
	dir := t.TempDir()
	stored := filepath.Join(dir, "stored.jsonl")
	flowFile := filepath.Join(dir, "batch.yaml")
	src := fmt.Sprintf(`name: batched
input: {n: int}
steps:
  - service: http
    name: square
    with: {method: POST, url: %q, body: '{"n": {{.n}}}', into: sq}
    batch: {size: 50, wait: 5ms}
  - service: append
    name: store
    with: {path: %q, keys: [n, sq]}
    batch: {size: 100}
`, srv.URL+"/square", stored)
	if err := os.WriteFile(flowFile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, "{\"n\": %d}\n", i)
	}
	inFile := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(inFile, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.jsonl")
	r := execute(t, "", "run", flowFile, "--in", inFile, "--out", out, "--ui", "off")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, tail(r.stderr))
	}
	sum := parseSummary(t, r.stderr)
	sum.accounts(t)
	if sum.done != n {
		t.Fatalf("summary %+v, want %d done", sum, n)
	}
	b, err := os.ReadFile(stored)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d stored lines, want %d", len(lines), n)
	}
	seen := make([]bool, n)
	for _, l := range lines {
		var row struct{ N, Sq int }
		if err := json.Unmarshal([]byte(l), &row); err != nil || row.Sq != row.N*row.N || seen[row.N] {
			t.Fatalf("stored line %q (err %v, seen %v)", l, err, seen[row.N])
		}
		seen[row.N] = true
	}
	t.Logf("%d inputs in %d requests", elements.Load(), requests.Load())
	if e, q := elements.Load(), requests.Load(); e != n || q > n/5 {
		t.Errorf("server saw %d inputs in %d requests, want %d in at most %d", e, q, n, n/5)
	}
}
