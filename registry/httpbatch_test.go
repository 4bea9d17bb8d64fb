package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
)

// batchServer answers POST /score with one {"score": n*2} per element of the
// request's array, and records each request.
type batchServer struct {
	mu       sync.Mutex
	requests []string // path and body
	types    []string
}

func (b *batchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.requests = append(b.requests, r.URL.Path+" "+string(raw))
	b.types = append(b.types, r.Header.Get("Content-Type"))
	b.mu.Unlock()
	var in []struct{ N int }
	if err := json.Unmarshal(raw, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch r.URL.Path {
	case "/busy":
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	case "/count":
		fmt.Fprintf(w, `{"inserted": %d}`, len(in))
	case "/short":
		io.WriteString(w, `[1]`)
	default:
		out := make([]map[string]int, len(in))
		for i, x := range in {
			out[i] = map[string]int{"score": 2 * x.N}
		}
		json.NewEncoder(w).Encode(out)
	}
}

func (b *batchServer) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests, b.types = nil, nil
}

func (b *batchServer) got() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

func batchOf(vals ...map[string]any) []*flow.Context {
	cs := make([]*flow.Context, len(vals))
	for i, v := range vals {
		cs[i] = flow.NewContext(v)
	}
	return cs
}

func callBatch(t *testing.T, with map[string]any, batch []*flow.Context) []error {
	t.Helper()
	s := build(t, "http", with)
	defer s.(stopper).Stop(context.Background())
	bs, ok := s.(batchTaker)
	if !ok {
		t.Fatalf("%T takes no batches", s)
	}
	return outcomes(bs.CallBatch(context.Background(), batch), len(batch))
}

func TestHTTPBatch(t *testing.T) {
	srv := &batchServer{}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	t.Run("one request, the response array mapped back", func(t *testing.T) {
		srv.reset()
		batch := batchOf(map[string]any{"n": 1}, map[string]any{"n": 2}, map[string]any{"n": 3})
		errs := callBatch(t, map[string]any{"method": "POST", "url": ts.URL + "/score", "body": `{"n": {{.n}}}`, "status": "code"}, batch)
		for i, c := range batch {
			if errs[i] != nil {
				t.Fatalf("input %d: %v", i, errs[i])
			}
			if got := get(t, c, "response"); !reflect.DeepEqual(got, map[string]any{"score": 2 * (i + 1)}) {
				t.Errorf("input %d: response %v", i, got)
			}
			if get(t, c, "code") != 200 {
				t.Errorf("input %d: code %v", i, get(t, c, "code"))
			}
		}
		if want := []string{`/score [{"n":1},{"n":2},{"n":3}]`}; !reflect.DeepEqual(srv.got(), want) {
			t.Errorf("requests %q, want %q", srv.got(), want)
		}
		srv.mu.Lock()
		if srv.types[0] != "application/json" {
			t.Errorf("content type %q", srv.types[0])
		}
		srv.mu.Unlock()
	})
	t.Run("without a body template each element is the input's values", func(t *testing.T) {
		srv.reset()
		batch := batchOf(map[string]any{"n": 5, "id": "a"})
		if errs := callBatch(t, map[string]any{"method": "POST", "url": ts.URL + "/score"}, batch); errs[0] != nil {
			t.Fatal(errs[0])
		}
		if want := []string{`/score [{"id":"a","n":5}]`}; !reflect.DeepEqual(srv.got(), want) {
			t.Errorf("requests %q, want %q", srv.got(), want)
		}
	})
	t.Run("inputs for different URLs go in separate requests", func(t *testing.T) {
		srv.reset()
		batch := batchOf(map[string]any{"n": 1, "to": "score"}, map[string]any{"n": 2, "to": "count"}, map[string]any{"n": 3, "to": "score"})
		errs := callBatch(t, map[string]any{"method": "POST", "url": ts.URL + "/{{.to}}", "body": `{"n": {{.n}}}`}, batch)
		for i, err := range errs {
			if err != nil {
				t.Fatalf("input %d: %v", i, err)
			}
		}
		if want := []string{`/score [{"n":1},{"n":3}]`, `/count [{"n":2}]`}; !reflect.DeepEqual(srv.got(), want) {
			t.Errorf("requests %q, want %q", srv.got(), want)
		}
		if got := get(t, batch[2], "response"); !reflect.DeepEqual(got, map[string]any{"score": 6}) {
			t.Errorf("third input: %v", got)
		}
		// Not one element per input: the whole response, for each.
		if got := get(t, batch[1], "response"); !reflect.DeepEqual(got, map[string]any{"inserted": 1}) {
			t.Errorf("second input: %v", got)
		}
	})
	t.Run("a failure status applies to every input", func(t *testing.T) {
		errs := callBatch(t, map[string]any{"method": "POST", "url": ts.URL + "/busy"}, batchOf(nil, nil))
		for i, err := range errs {
			if !errors.Is(err, flow.ErrRetry) {
				t.Errorf("input %d: %v, want Retry", i, err)
			}
		}
	})
	t.Run("a response array of another length fails the batch", func(t *testing.T) {
		errs := callBatch(t, map[string]any{"method": "POST", "url": ts.URL + "/short"}, batchOf(nil, nil))
		for i, err := range errs {
			if err == nil || !strings.Contains(err.Error(), "elements for 2 inputs") {
				t.Errorf("input %d: %v, want a count mismatch", i, err)
			}
		}
	})
	t.Run("an input that does not render fails alone", func(t *testing.T) {
		srv.reset()
		batch := batchOf(map[string]any{"n": 1}, nil, map[string]any{"n": "not json"})
		errs := callBatch(t, map[string]any{"method": "POST", "url": ts.URL + "/score", "body": `{"n": {{.n}}}`}, batch)
		if errs[0] != nil {
			t.Errorf("first input: %v", errs[0])
		}
		wantContains(t, errs[1], `"n"`)
		wantContains(t, errs[2], "must give JSON")
		if want := []string{`/score [{"n":1}]`}; !reflect.DeepEqual(srv.got(), want) {
			t.Errorf("requests %q, want %q", srv.got(), want)
		}
	})
	t.Run("flow.Run on a batched step sends a batch of one", func(t *testing.T) {
		srv.reset()
		svc := build(t, "http", map[string]any{"method": "POST", "url": ts.URL + "/score", "body": `{"n": {{.n}}}`})
		c, err := run(t, flow.New(flow.Stage(svc, flow.MaxBatch(50))), map[string]any{"n": 4})
		if err != nil {
			t.Fatal(err)
		}
		if got := get(t, c, "response"); !reflect.DeepEqual(got, map[string]any{"score": 8}) {
			t.Errorf("response %v", got)
		}
		if want := []string{`/score [{"n":4}]`}; !reflect.DeepEqual(srv.got(), want) {
			t.Errorf("requests %q, want %q", srv.got(), want)
		}
	})
	ts.CloseClientConnections()
}
