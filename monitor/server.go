package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/serviceflow/serviceflow/internal/httpserve"
	"github.com/serviceflow/serviceflow/snapshot"
)

// ErrNotLoopback is returned by Listen for an address that is not a
// loopback one.
var ErrNotLoopback = errors.New("monitor: the endpoint can pause and replay the flow, so it listens on loopback only (127.0.0.1, ::1 or localhost); tunnel to it to watch from elsewhere")

// ClientHeader is the header every control request (POST) must carry, with
// any value; Client sends it. A web page cannot send it to another origin
// without a CORS preflight, which the endpoint never grants.
const ClientHeader = "X-Serviceflow-Monitor"

// maxControlBody bounds a control request's body.
const maxControlBody = 1 << 20

// Handler serves src's snapshot and controls (see the package doc), with the
// checks the threat model there describes.
func Handler(src snapshot.Source, opts ...Option) http.Handler {
	cfg := configure(opts)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /snapshot", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = snapshot.NewEncoder(w).Encode(src.Snapshot())
	})
	mux.HandleFunc("GET /tap", tapHandler(src)) // tap.go
	mux.HandleFunc("POST /pause", func(w http.ResponseWriter, r *http.Request) {
		if !noBody(w, r) {
			return
		}
		if err := src.Pause(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /resume", func(w http.ResponseWriter, r *http.Request) {
		if !noBody(w, r) {
			return
		}
		if err := src.Resume(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /replay", func(w http.ResponseWriter, r *http.Request) {
		var ids []uint64
		if err := decodeOne(http.MaxBytesReader(w, r.Body, maxControlBody), &ids); err != nil {
			http.Error(w, "replay: want one JSON array of dead-letter IDs: "+err.Error(), http.StatusBadRequest)
			return
		}
		n, err := src.Replay(r.Context(), ids...)
		if err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]int{"replayed": n})
	})
	var h http.Handler = controls(mux)
	h = noBrowsers(h)
	if cfg.token != "" {
		h = bearer(cfg.token, h)
	} else {
		h = httpserve.LoopbackHost(h)
	}
	return h
}

// decodeOne decodes exactly one JSON value from r into v: trailing data,
// other than white space, is an error.
func decodeOne(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// noBody refuses a control request that carries a body it does not take.
func noBody(w http.ResponseWriter, r *http.Request) bool {
	n, _ := io.Copy(io.Discard, io.LimitReader(r.Body, 1))
	if n > 0 {
		http.Error(w, r.URL.Path+" takes no body", http.StatusBadRequest)
		return false
	}
	return true
}

// Server is a running endpoint. Create it with Listen; Close stops it and
// waits for it; Addr is where it listens.
type Server struct{ srv *httpserve.Server }

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() string { return s.srv.Addr() }

// Close stops the server, letting requests in progress finish until ctx
// ends, and waits for it.
func (s *Server) Close(ctx context.Context) error { return s.srv.Close(ctx) }

// Listen serves src on addr, which must be a loopback address
// ("127.0.0.1:7070"; port 0 picks one, see Addr), with Handler's checks. The
// listener is open when Listen returns, so a busy address is reported at
// once.
func Listen(addr string, src snapshot.Source, opts ...Option) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%w: %q", ErrNotLoopback, addr)
	}
	s, err := httpserve.Listen(addr, Handler(src, opts...))
	if err != nil {
		return nil, err
	}
	return &Server{srv: s}, nil
}
