package monitor

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/snapshot"
)

// send sends a raw request to srv, as a browser or a script would, and
// returns the status.
func send(t *testing.T, srv *Server, method, path, body string, header map[string]string) int {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://"+srv.Addr()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var client = map[string]string{"Content-Type": "application/json", ClientHeader: "1"}

func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// What a web page can make a browser send is refused, and nothing reaches
// the flow; what the client sends is served.
func TestEndpointRefusesWebPages(t *testing.T) {
	src := &fake{snap: snapshot.Snapshot{Flow: "orders", DeadLetters: []snapshot.DeadLetter{{ID: 7}}}}
	srv, err := Listen("127.0.0.1:0", src)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())

	refused := []struct {
		name, method, path, body string
		header                   map[string]string
		want                     int
	}{
		{"an HTML form posting text/plain []=", "POST", "/replay", "[]=", map[string]string{"Content-Type": "text/plain"}, http.StatusForbidden},
		{"a form with the header but text/plain", "POST", "/replay", "[]", with(client, "Content-Type", "text/plain"), http.StatusUnsupportedMediaType},
		{"a form-urlencoded pause", "POST", "/pause", "", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, http.StatusForbidden},
		{"JSON without the client header", "POST", "/replay", "[]", map[string]string{"Content-Type": "application/json"}, http.StatusForbidden},
		{"trailing bytes after the array", "POST", "/replay", "[7]=", client, http.StatusBadRequest},
		{"two arrays", "POST", "/replay", "[7] [8]", client, http.StatusBadRequest},
		{"a pause with a body", "POST", "/pause", "{}", client, http.StatusBadRequest},
		{"DNS rebinding: the page's name as Host", "POST", "/pause", "", with(client, "Host", "evil.example:7070"), http.StatusForbidden},
		{"DNS rebinding: reading the snapshot", "GET", "/snapshot", "", map[string]string{"Host": "evil.example"}, http.StatusForbidden},
		{"another IP literal as Host", "GET", "/snapshot", "", map[string]string{"Host": "10.0.0.1:7070"}, http.StatusForbidden},
		{"a cross-origin fetch", "POST", "/pause", "", with(client, "Origin", "https://evil.example"), http.StatusForbidden},
		{"a same-origin fetch from a rebound page", "GET", "/snapshot", "", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusForbidden},
		{"a cross-site GET", "GET", "/snapshot", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
	}
	for _, c := range refused {
		if got := send(t, srv, c.method, c.path, c.body, c.header); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	src.mu.Lock()
	if src.paused != 0 || len(src.replayed) != 0 {
		t.Errorf("refused requests reached the flow: paused %d, replays %v", src.paused, src.replayed)
	}
	src.mu.Unlock()

	for _, host := range []string{"", "localhost:9999", "127.0.0.1", "[::1]:7070", "LOCALHOST."} {
		h := with(client)
		if host != "" {
			h["Host"] = host
		}
		if got := send(t, srv, "POST", "/replay", "[7]\n", h); got != http.StatusOK {
			t.Errorf("replay with Host %q: status %d, want 200", host, got)
		}
	}
	if got := send(t, srv, "GET", "/snapshot", "", map[string]string{"Sec-Fetch-Site": "none"}); got != http.StatusOK {
		t.Errorf("a URL typed in the browser: status %d", got)
	}
	// the real client still works
	c := Dial(srv.Addr())
	if err := c.Pause(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Replay(context.Background(), 7); n != 1 || err != nil {
		t.Fatalf("client replay = %d, %v", n, err)
	}
}

func TestToken(t *testing.T) {
	src := &fake{snap: snapshot.Snapshot{Flow: "orders"}}
	srv, err := Listen("127.0.0.1:0", src, Token("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())
	ctx := context.Background()

	if err := Dial(srv.Addr()).Check(ctx); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("no token: %v, want 401", err)
	}
	if err := Dial(srv.Addr(), Token("s3cre")).Pause(ctx); err == nil {
		t.Error("a wrong token paused the flow")
	}
	good := Dial(srv.Addr(), Token("s3cret"))
	if err := good.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if err := good.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if s := good.Snapshot(); s.Flow != "orders" {
		t.Fatalf("snapshot %+v", s)
	}
	// with a token, another name (a tunnel's or a proxy's) is fine...
	if got := send(t, srv, "GET", "/snapshot", "", map[string]string{"Host": "flows.example", "Authorization": "Bearer s3cret"}); got != http.StatusOK {
		t.Errorf("token through a proxy's name: status %d", got)
	}
	// ...but the browser checks stay
	if got := send(t, srv, "POST", "/pause", "", with(client, "Authorization", "Bearer s3cret", "Origin", "https://evil.example")); got != http.StatusForbidden {
		t.Errorf("token with a cross-origin page: status %d", got)
	}
	if got := send(t, srv, "GET", "/snapshot", "", map[string]string{"Authorization": "s3cret"}); got != http.StatusUnauthorized {
		t.Errorf("a token without Bearer: status %d", got)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.paused != 1 {
		t.Errorf("paused %d times, want once (only the right token)", src.paused)
	}
}

// An endpoint of another schema version says so instead of showing a
// half-decoded flow.
func TestClientRefusesAnotherSchema(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /snapshot", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"schema":99,"flow":"x"}`)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	err := Dial(ts.URL).Check(context.Background())
	if !errors.Is(err, snapshot.ErrSchema) {
		t.Fatalf("Check = %v, want ErrSchema", err)
	}
}
