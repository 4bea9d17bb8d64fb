package metrics

import (
	"context"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/serviceflow/serviceflow/internal/httpserve"
)

// Server serves a Source's metrics at /metrics over HTTP, with the go_* and
// process_* collectors (see NewRegistry). Create it with Listen; Close stops
// it and waits for it; Addr is where it listens.
type Server struct{ srv *httpserve.Server }

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() string { return s.srv.Addr() }

// Close stops the server, letting requests in progress finish until ctx
// ends, and waits for it.
func (s *Server) Close(ctx context.Context) error { return s.srv.Close(ctx) }

// Listen serves src's metrics on addr (for example "127.0.0.1:9090"; an
// address with no host listens on every interface, so name one). The
// listener is opened before Listen returns, so a bad or busy address is
// reported at once. The server has read and write timeouts. On a loopback
// address it answers only requests whose Host is a loopback one, so a web
// page cannot read it through DNS rebinding.
func Listen(addr string, src Source) (*Server, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(NewRegistry(src), promhttp.HandlerOpts{}))
	var h http.Handler = mux
	if httpserve.IsLoopbackHost(addr) {
		h = httpserve.LoopbackHost(h)
	}
	s, err := httpserve.Listen(addr, h)
	if err != nil {
		return nil, err
	}
	return &Server{srv: s}, nil
}
