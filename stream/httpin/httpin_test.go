package httpin

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/stream"
)

// consumer plays the flow: it takes one record at a time (MaxInFlight 1),
// answers with the status named by the input's "want" key, echoing its
// values, and acknowledges. A record whose input has "hold" waits for
// release after telling taken.
type consumer struct {
	src       *Source
	malformed atomic.Int64
	taken     chan int64    // offsets of held records, as they are taken
	release   chan struct{} // closed to let held records finish
	done      chan struct{}
}

func start(t *testing.T, cfg Config) (*consumer, string) {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	src, err := NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &consumer{src: src, taken: make(chan int64, 16), release: make(chan struct{}), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	go c.run(ctx)
	t.Cleanup(func() {
		cancel()
		<-c.done
		select {
		case <-c.release:
		default:
			close(c.release)
		}
		if err := src.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return c, "http://" + src.Addr() + cfg.Path
}

func (c *consumer) run(ctx context.Context) {
	defer close(c.done)
	for {
		rec, err := c.src.Next(ctx)
		if err != nil {
			return
		}
		if rec.Bad != nil {
			c.malformed.Add(1)
			c.src.Ack(rec)
			continue
		}
		if rec.Values["hold"] != nil {
			c.taken <- rec.Pos.Offset
			select {
			case <-c.release:
			case <-ctx.Done():
				return
			}
		}
		status := map[any]flow.Status{"stopped": flow.Stopped, "failed": flow.Failed}[rec.Values["want"]]
		stream.Reply(rec, status, func() ([]byte, error) {
			return json.Marshal(map[string]any{"line": rec.Pos.Offset, "values": rec.Values})
		})
		c.src.Ack(rec)
	}
}

func post(t *testing.T, url, ctype, body string) (*http.Response, string) {
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
	return resp, string(b)
}

func TestOneObjectIsAnsweredWithItsResult(t *testing.T) {
	_, url := start(t, Config{Path: "/orders"})
	for _, tc := range []struct {
		want string
		code int
	}{{"done", 200}, {"stopped", 422}, {"failed", 500}} {
		resp, body := post(t, url, "application/json", `{"want":"`+tc.want+`","n":1}`)
		if resp.StatusCode != tc.code {
			t.Errorf("%s: status %d, want %d (%s)", tc.want, resp.StatusCode, tc.code, body)
		}
		var got struct {
			Values map[string]any `json:"values"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.Values["want"] != tc.want {
			t.Errorf("%s: body %q (%v)", tc.want, body, err)
		}
	}
	if resp, _ := post(t, strings.TrimSuffix(url, "/orders")+"/other", "application/json", `{}`); resp.StatusCode != 404 {
		t.Errorf("another path: %d, want 404", resp.StatusCode)
	}
	if resp, _ := post(t, url, "text/plain", `{}`); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain (a form a page can post): %d, want 415", resp.StatusCode)
	}
}

func TestMalformedBodyIs400AndCounted(t *testing.T) {
	c, url := start(t, Config{})
	for _, body := range []string{`{"a":`, `[1,2]`, `not json`} {
		resp, text := post(t, url, "application/json", body)
		if resp.StatusCode != 400 || !strings.Contains(text, `"malformed"`) {
			t.Errorf("%q: %d %s, want 400 malformed", body, resp.StatusCode, text)
		}
	}
	if n := c.malformed.Load(); n != 3 {
		t.Errorf("malformed records = %d, want 3", n)
	}
}

func TestNDJSONStreamsOneResultPerLine(t *testing.T) {
	c, url := start(t, Config{})
	resp, body := post(t, url, "application/x-ndjson", "{\"i\":1}\n{\"i\":2,\"want\":\"failed\"}\nnot json\n\n{\"i\":4}\n")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(strings.NewReader(body))
	var lines []map[string]any
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 4 {
		t.Fatalf("%d result lines, want 4:\n%s", len(lines), body)
	}
	for i, want := range []any{1.0, 2.0, nil, 4.0} {
		if want == nil {
			if lines[i]["status"] != "malformed" {
				t.Errorf("line %d: %v, want malformed", i, lines[i])
			}
			continue
		}
		if v, _ := lines[i]["values"].(map[string]any); v["i"] != want {
			t.Errorf("line %d: %v, want i=%v", i, lines[i], want)
		}
	}
	if c.malformed.Load() != 1 {
		t.Errorf("malformed = %d, want 1", c.malformed.Load())
	}
}

func TestFullFlowAnswers503WithRetryAfter(t *testing.T) {
	c, url := start(t, Config{Wait: 20 * time.Millisecond})
	held := make(chan string, 1)
	go func() {
		_, body := post(t, url, "application/json", `{"hold":true}`)
		held <- body
	}()
	<-c.taken // the consumer holds the first input and takes no other
	for _, ctype := range []string{"application/json", "application/x-ndjson"} {
		resp, body := post(t, url, ctype, `{"n":2}`)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" {
			t.Errorf("%s while full: %d Retry-After %q (%s), want 503 with Retry-After 1", ctype, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	close(c.release)
	if body := <-held; !strings.Contains(body, `"hold":true`) {
		t.Errorf("held input answered %q", body)
	}
	if resp, _ := post(t, url, "application/json", `{"n":3}`); resp.StatusCode != 200 {
		t.Errorf("after the release: %d, want 200", resp.StatusCode)
	}
}

func TestCloseAnswersWaitingRequests503(t *testing.T) {
	src, err := NewSource(Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		code int
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Post("http://"+src.Addr()+"/", "application/json", strings.NewReader(`{}`))
		if err != nil {
			got <- answer{err: err}
			return
		}
		resp.Body.Close()
		got <- answer{code: resp.StatusCode}
	}()
	if _, err := src.Next(context.Background()); err != nil { // taken, never acknowledged
		t.Fatal(err)
	}
	if err := src.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a := <-got; a.err != nil || a.code != 503 {
		t.Errorf("answer %+v, want 503", a)
	}
	if err := src.Close(context.Background()); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	if _, err := src.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("Next after Close: %v, want io.EOF", err)
	}
}

func TestNonLoopbackNeedsTLSAndToken(t *testing.T) {
	for _, cfg := range []Config{
		{Addr: "0.0.0.0:0"},
		{Addr: ":0"},
		{Addr: "0.0.0.0:0", Token: "secret"},
		{Addr: "0.0.0.0:0", TLS: &tls.Config{}},
	} {
		if src, err := NewSource(cfg); !errors.Is(err, ErrNotLoopback) {
			if src != nil {
				src.Close(context.Background())
			}
			t.Errorf("%+v: %v, want ErrNotLoopback", cfg, err)
		}
	}
}

func TestTokenIsRequiredWhenSet(t *testing.T) {
	_, url := start(t, Config{Token: "secret"})
	if resp, _ := post(t, url, "application/json", `{}`); resp.StatusCode != 401 {
		t.Errorf("no token: %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", url, strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with the token: %d, want 200", resp.StatusCode)
	}
}

func TestParseURL(t *testing.T) {
	cfg, err := ParseURL("http://127.0.0.1:8080/orders")
	if err != nil || cfg.Addr != "127.0.0.1:8080" || cfg.Path != "/orders" {
		t.Errorf("%+v %v", cfg, err)
	}
	for _, bad := range []string{"http://u:p@127.0.0.1:1/x", "http://127.0.0.1/x", "kafka://h:1/t", "http://127.0.0.1:1/x?token=a"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
