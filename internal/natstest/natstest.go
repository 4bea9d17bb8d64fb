// Package natstest runs a real NATS server with JetStream inside a test
// process: on loopback, its store in the test's temporary directory, and
// restartable on the same port and store (a real restart, not a new
// server). The tests of stream/jetstream and cli share it.
package natstest

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Server is an embedded NATS server that a test may stop and start again.
type Server struct {
	t    testing.TB
	opts server.Options
	srv  *server.Server
}

// Start starts a server and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, opts: server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true}}
	s.Restart()
	s.opts.Port = s.srv.Addr().(*net.TCPAddr).Port
	t.Cleanup(s.Stop)
	return s
}

// Addr is the server's host:port, the same across restarts.
func (s *Server) Addr() string { return net.JoinHostPort(s.opts.Host, strconv.Itoa(s.opts.Port)) }

// URL is the server's client URL, nats://host:port.
func (s *Server) URL() string { return "nats://" + s.Addr() }

// Restart starts the server again (after Stop) on its port and store.
func (s *Server) Restart() {
	s.t.Helper()
	opts := s.opts
	srv, err := server.NewServer(&opts)
	if err != nil {
		s.t.Fatal(err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		s.t.Fatal("nats server not ready")
	}
	s.srv = srv
}

// Stop shuts the server down and waits until it is; a stopped server
// stays stopped.
func (s *Server) Stop() {
	if s.srv != nil {
		s.srv.Shutdown()
		s.srv.WaitForShutdown()
		s.srv = nil
	}
}

// JetStream connects to the server (closed when the test ends) and
// creates streams, each name to its subject filter.
func (s *Server) JetStream(streams map[string]string, opts ...nats.Option) jetstream.JetStream {
	s.t.Helper()
	nc, err := nats.Connect(s.URL(), opts...)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		s.t.Fatal(err)
	}
	for name, subj := range streams {
		if _, err := js.CreateStream(s.t.Context(), jetstream.StreamConfig{Name: name, Subjects: []string{subj}}); err != nil {
			s.t.Fatal(err)
		}
	}
	return js
}
