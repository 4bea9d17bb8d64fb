// Package httpserve runs an HTTP server its caller owns: Listen opens the
// listener at once (so a bad or busy address fails before anything else
// starts), the server has read and write timeouts, and Close shuts it down
// and waits for its goroutine. The metrics and monitor endpoints use it.
package httpserve

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"time"
)

// Server is a running HTTP server. Create it with Listen; Close stops it.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// Listen serves h on addr.
func Listen(addr string, h http.Handler) (*Server, error) { return ListenTLS(addr, h, nil) }

// ListenTLS serves h on addr over TLS with cfg (which must carry the
// server's certificates); with a nil cfg, in clear, as Listen.
func ListenTLS(addr string, h http.Handler, cfg *tls.Config) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      10 * time.Second,
			IdleTimeout:       time.Minute,
		},
		ln:   ln,
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server, letting requests in progress finish until ctx
// ends, and waits for its goroutine.
func (s *Server) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
