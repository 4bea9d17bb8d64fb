package registry_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

func TestHTTP(t *testing.T) {
	var gotBody, gotHeader, gotMethod string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody, gotHeader, gotMethod = string(b), r.Header.Get("X-Order"), r.Method
		switch r.URL.Path {
		case "/orders/7":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"total": 25, "items": [1.5, 2]}`)
		case "/text":
			io.WriteString(w, "plain")
		case "/busy":
			http.Error(w, "try later", http.StatusServiceUnavailable)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	svc := build(t, "http", map[string]any{
		"method":  "post",
		"url":     srv.URL + "/orders/{{.id}}",
		"body":    `{"customer": {{json .customer}}}`,
		"headers": map[string]any{"X-Order": "{{.id}}"},
		"into":    "order",
		"status":  "code",
	})
	if e, p := keys(t, svc); !reflect.DeepEqual(e, []string{"customer", "id"}) || !reflect.DeepEqual(p, []string{"order", "code"}) {
		t.Errorf("keys = %v, %v", e, p)
	}
	c, err := run(t, flow.New(svc), map[string]any{"id": 7, "customer": `Ann "A"`})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"total": 25, "items": []any{1.5, 2}}
	if got := get(t, c, "order"); !reflect.DeepEqual(got, want) {
		t.Errorf("order = %#v", got)
	}
	if get(t, c, "code") != 200 || gotMethod != "POST" || gotHeader != "7" || gotBody != `{"customer": "Ann \"A\""}` {
		t.Errorf("code %v, method %q, header %q, body %q", get(t, c, "code"), gotMethod, gotHeader, gotBody)
	}

	call := func(path string, timeout string) error {
		s := build(t, "http", map[string]any{"url": srv.URL + path, "timeout": timeout})
		defer s.(stopper).Stop(context.Background())
		return s.Call(context.Background(), flow.NewContext(nil))
	}
	t.Run("text", func(t *testing.T) {
		s := build(t, "http", map[string]any{"url": srv.URL + "/text"})
		defer s.(stopper).Stop(context.Background())
		c := flow.NewContext(nil)
		if err := s.Call(context.Background(), c); err != nil || get(t, c, "response") != "plain" {
			t.Fatalf("err %v, values %v", err, c)
		}
	})
	t.Run("5xx retries", func(t *testing.T) {
		err := call("/busy", "10s")
		if !errors.Is(err, flow.ErrRetry) {
			t.Fatalf("err = %v, want Retry", err)
		}
		wantContains(t, err, "503", "try later")
	})
	t.Run("4xx fails", func(t *testing.T) {
		err := call("/missing", "10s")
		if err == nil || errors.Is(err, flow.ErrRetry) || errors.Is(err, flow.ErrFatal) {
			t.Fatalf("err = %v, want a plain error", err)
		}
		wantContains(t, err, "404")
	})
	t.Run("timeout retries", func(t *testing.T) {
		err := call("/slow", "20ms")
		if !errors.Is(err, flow.ErrRetry) {
			t.Fatalf("err = %v, want Retry", err)
		}
	})
	t.Run("missing key", func(t *testing.T) {
		s := build(t, "http", map[string]any{"url": srv.URL + "/orders/{{.id}}"})
		defer s.(stopper).Stop(context.Background())
		wantContains(t, s.Call(context.Background(), flow.NewContext(nil)), `url template`, `"id"`)
	})
	srv.CloseClientConnections()
}

func TestHTTPConnectionRefusedIsFatal(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	s := build(t, "http", map[string]any{"url": "http://" + addr + "/"})
	defer s.(stopper).Stop(context.Background())
	err = s.Call(context.Background(), flow.NewContext(nil))
	if !errors.Is(err, flow.ErrFatal) {
		t.Fatalf("err = %v, want Fatal", err)
	}
}

func TestHTTPBuildErrors(t *testing.T) {
	err := buildErr(t, "http", map[string]any{"url": "http://x/{{.id", "method": "GE T"}, registry.FlowInfo{})
	wantContains(t, err, `parameter "method"`, `parameter "url"`)
}
