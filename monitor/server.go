package monitor

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/serviceflow/serviceflow/internal/httpserve"
	"github.com/serviceflow/serviceflow/snapshot"
)

// ErrNotLoopback is returned by Listen for an address that is not a
// loopback one.
var ErrNotLoopback = errors.New("monitor: the endpoint can pause and replay the flow, so it listens on loopback only (127.0.0.1, ::1 or localhost); tunnel to it to watch from elsewhere")

// Handler serves src's snapshot and controls (see the package doc).
func Handler(src snapshot.Source) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /snapshot", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(src.Snapshot())
	})
	mux.HandleFunc("POST /pause", func(w http.ResponseWriter, r *http.Request) {
		if err := src.Pause(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /resume", func(w http.ResponseWriter, r *http.Request) {
		if err := src.Resume(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /replay", func(w http.ResponseWriter, r *http.Request) {
		var ids []uint64
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&ids); err != nil {
			http.Error(w, "replay: want a JSON array of dead-letter IDs: "+err.Error(), http.StatusBadRequest)
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
	return mux
}

// Server is a running endpoint. Create it with Listen; Close stops it and
// waits for it; Addr is where it listens.
type Server struct{ *httpserve.Server }

// Listen serves src on addr, which must be a loopback address
// ("127.0.0.1:7070"; port 0 picks one, see Addr). The listener is open when
// Listen returns, so a busy address is reported at once.
func Listen(addr string, src snapshot.Source) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%w: %q", ErrNotLoopback, addr)
	}
	s, err := httpserve.Listen(addr, Handler(src))
	if err != nil {
		return nil, err
	}
	return &Server{s}, nil
}
