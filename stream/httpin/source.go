package httpin

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/httpserve"
	"github.com/serviceflow/serviceflow/stream"
)

// Source is the HTTP ingress: records are the inputs POSTed to it. It
// runs until closed, like a broker source. Create it with NewSource.
type Source struct {
	cfg  Config
	srv  *httpserve.Server
	recs chan stream.Record // unbuffered: a record is handed over only when the flow takes it
	seq  atomic.Int64       // the last record's offset

	closing   chan struct{}
	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex
	pending map[*pending]struct{} // records handed out, not yet acknowledged
}

// NewSource listens on cfg.Addr. The listener is open when it returns, so
// a busy or refused address is reported at once.
func NewSource(cfg Config) (*Source, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Wait <= 0 {
		cfg.Wait = DefaultWait
	}
	s := &Source{cfg: cfg, recs: make(chan stream.Record), closing: make(chan struct{}), pending: map[*pending]struct{}{}}
	var h http.Handler = http.HandlerFunc(s.serve)
	if cfg.Token != "" {
		h = httpserve.Bearer(cfg.Token, "flowrun ingress", "FLOWRUN_HTTP_TOKEN", h)
	} else {
		h = httpserve.LoopbackHost(h)
	}
	srv, err := httpserve.ListenTLS(cfg.Addr, h, cfg.TLS)
	if err != nil {
		return nil, err
	}
	s.srv = srv
	return s, nil
}

// Addr is the address the source listens on.
func (s *Source) Addr() string { return s.srv.Addr() }

// Next returns the next input POSTed, when ctx ends its error, and io.EOF
// once the source is closed.
func (s *Source) Next(ctx context.Context) (stream.Record, error) {
	select {
	case rec := <-s.recs:
		return rec, nil
	case <-ctx.Done():
		return stream.Record{}, ctx.Err()
	case <-s.closing:
		return stream.Record{}, io.EOF
	}
}

// Ack answers the request rec came from with its result.
func (s *Source) Ack(rec stream.Record) {
	if p, ok := rec.Handle.(*pending); ok {
		s.finish(p, false)
	}
}

// Close answers every request still waiting 503 (its result will not
// come: the client should retry) and stops the server, letting answers in
// progress finish until ctx ends. Later calls return the first's error.
func (s *Source) Close(ctx context.Context) error {
	s.closeOnce.Do(func() { s.closeErr = s.close(ctx) })
	return s.closeErr
}

func (s *Source) close(ctx context.Context) error {
	close(s.closing)
	s.mu.Lock()
	left := make([]*pending, 0, len(s.pending))
	for p := range s.pending {
		left = append(left, p)
	}
	s.mu.Unlock()
	for _, p := range left {
		s.finish(p, true)
	}
	return s.srv.Close(ctx)
}

// submit hands rec to the flow: it waits up to wait (forever if 0) for
// Next to take it. It reports whether it was taken.
func (s *Source) submit(ctx context.Context, p *pending, rec stream.Record, wait time.Duration) bool {
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	rec.Handle = p
	s.mu.Lock()
	s.pending[p] = struct{}{}
	s.mu.Unlock()
	select {
	case s.recs <- rec:
		return true
	case <-timeout:
		if s.cfg.onBusy != nil {
			s.cfg.onBusy()
		}
	case <-ctx.Done():
	case <-s.closing:
	}
	s.mu.Lock()
	delete(s.pending, p)
	s.mu.Unlock()
	return false
}

func (s *Source) isClosing() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}

func (s *Source) finish(p *pending, closed bool) {
	s.mu.Lock()
	delete(s.pending, p)
	s.mu.Unlock()
	p.once.Do(func() {
		p.closed = closed
		close(p.done)
	})
}

// pending is one record's request, waiting for its acknowledgement.
type pending struct {
	line int
	bad  error // the record is malformed

	once    sync.Once
	done    chan struct{} // closed once acknowledged or abandoned
	mu      sync.Mutex
	status  flow.Status
	result  []byte // nil until Reply
	closed  bool   // abandoned by Close: no result will come
	refused bool   // never taken: the flow was full for Config.Wait
}

// refuse marks p, which the flow never took, as answered: busy, or
// unavailable when the source is closing.
func (p *pending) refuse(closing bool) {
	p.once.Do(func() {
		p.refused, p.closed = !closing, closing
		close(p.done)
	})
}

func newPending(line int, bad error) *pending {
	return &pending{line: line, bad: bad, done: make(chan struct{})}
}

// Reply keeps the record's result for the answer (stream.Replier).
func (p *pending) Reply(status flow.Status, result []byte) {
	p.mu.Lock()
	p.status, p.result = status, result
	p.mu.Unlock()
}

func (p *pending) outcome() (status flow.Status, result []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status, p.result
}

// URL is where to POST: the scheme, the address listened on and the path.
func (s *Source) URL() string {
	scheme := "http"
	if s.cfg.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + s.Addr() + s.cfg.Path
}
