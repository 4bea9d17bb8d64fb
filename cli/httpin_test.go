package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/cli"
)

// TestHTTPIngress: run --in http:// answers each POST with its input's
// result envelope (200 done, 422 stopped, 500 failed, 400 malformed), an
// NDJSON POST with one result line per input line, --out gets every
// result too, and the summary counts the malformed body.
func TestHTTPIngress(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.jsonl")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &lockedBuffer{}
	exited := make(chan int, 1)
	go func() {
		exited <- cli.Execute(ctx, []string{"run", "testdata/ingress.yaml", "--in", "http://127.0.0.1:0/orders", "--out", out, "--ui", "off"},
			strings.NewReader(""), io.Discard, stderr, nil)
	}()
	stderr.waitFor(t, "listening on http://", 30*time.Second)
	_, url, _ := strings.Cut(stderr.String(), "listening on ")
	url, _, _ = strings.Cut(url, " ")

	post := func(ctype, body string) (int, string) {
		t.Helper()
		resp, err := http.Post(url, ctype, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		body, status string
		code         int
	}{
		{`{"id":1,"kind":"ok"}`, "done", 200},
		{`{"id":2,"kind":"stop"}`, "stopped", 422},
		{`{"id":3,"kind":"other"}`, "failed", 500},
	} {
		code, body := post("application/json", tc.body)
		var res struct {
			Status string
			Values map[string]any
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil || code != tc.code || res.Status != tc.status || res.Values["id"] == nil {
			t.Errorf("POST %s: %d %s, want %d and a %s result (%v)", tc.body, code, body, tc.code, tc.status, err)
		}
	}
	if code, body := post("application/json", `{"id":4,`); code != 400 || !strings.Contains(body, "malformed") {
		t.Errorf("a malformed body: %d %s, want 400", code, body)
	}
	code, body := post("application/x-ndjson", "{\"id\":5,\"kind\":\"ok\"}\n{\"id\":6,\"kind\":\"stop\"}\n")
	if code != 200 {
		t.Errorf("NDJSON: %d %s", code, body)
	}
	var statuses []string
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		var res struct{ Status string }
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, res.Status)
	}
	if strings.Join(statuses, ",") != "done,stopped" {
		t.Errorf("NDJSON answered %q, want done,stopped", statuses)
	}

	cancel() // as SIGINT: the run drains and ends
	<-exited
	sum := stderr.String()
	for _, want := range []string{"malformed=1", "done=2", "stopped=2", "failed=1"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %s:\n%s", want, sum)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 5 {
		t.Errorf("--out has %d results, want 5:\n%s", n, b)
	}
}

func TestHTTPIngressRefusesNonLoopbackWithoutTLS(t *testing.T) {
	var stderr strings.Builder
	code := cli.Execute(t.Context(), []string{"run", "testdata/pass.yaml", "--in", "http://0.0.0.0:0/x", "--ui", "off"}, strings.NewReader(""), io.Discard, &stderr, nil)
	if code != 2 || !strings.Contains(stderr.String(), "loopback") {
		t.Errorf("exit %d, stderr %q; want 2 and the loopback rule", code, stderr.String())
	}
	stderr.Reset()
	code = cli.Execute(t.Context(), []string{"run", "testdata/pass.yaml", "--out", "http://127.0.0.1:0/x", "--ui", "off"}, strings.NewReader(""), io.Discard, &stderr, nil)
	if code != 2 || !strings.Contains(stderr.String(), "--in only") {
		t.Errorf("--out http://: exit %d, stderr %q; want 2", code, stderr.String())
	}
}

func TestHTTPIngressBadWaitIsAUsageError(t *testing.T) {
	for _, in := range []string{"http://127.0.0.1:0/x?wait=soon", "http://127.0.0.1:0/x?wait=10m", "http://127.0.0.1:0/x?tokn=a"} {
		var stderr strings.Builder
		code := cli.Execute(t.Context(), []string{"run", "testdata/pass.yaml", "--in", in, "--ui", "off"}, strings.NewReader(""), io.Discard, &stderr, nil)
		if code != 2 || !strings.Contains(stderr.String(), "run: --in: httpin:") {
			t.Errorf("--in %s: exit %d, stderr %q; want 2 and the URL's problem", in, code, stderr.String())
		}
	}
}
