package httpin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
)

// writeGrace bounds the writing of one answer (or one NDJSON line).
const writeGrace = 10 * time.Second

// window bounds the NDJSON lines of one request in flight at once.
const window = 64

func (s *Source) serve(w http.ResponseWriter, r *http.Request) {
	if p := s.cfg.Path; p != "" && p != "/" && r.URL.Path != p {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST one JSON object, or NDJSON", http.StatusMethodNotAllowed)
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		s.serveOne(w, r)
	case "application/x-ndjson", "application/ndjson", "application/jsonl":
		s.serveLines(w, r)
	default:
		http.Error(w, "want Content-Type application/json (one object) or application/x-ndjson (one per line)", http.StatusUnsupportedMediaType)
	}
}

// serveOne answers a POST of one object with its result.
func (s *Source) serveOne(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, jsonl.DefaultMaxLineSize))
	if err != nil {
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	line := int(s.seq.Add(1))
	rec := stream.Record{Pos: stream.Position{Offset: int64(line)}}
	rec.Values, rec.Bad = decode(body, line, s.cfg.Decoding)
	p := newPending(line, rec.Bad)
	if !s.submit(r.Context(), p, rec, s.cfg.Wait) {
		if r.Context().Err() == nil {
			s.busy(w)
		}
		return
	}
	select {
	case <-p.done:
	case <-r.Context().Done():
		return // the client is gone; the record is still processed
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeGrace))
	code, b := p.answer()
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", s.retryAfter())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// serveLines answers a POST of NDJSON with one result line per input line,
// in order. Lines are read while earlier ones are in the flow (at most
// window at once). Each line waits up to Config.Wait to be taken: when the
// first cannot enter in time the request is answered 503; when a later one
// cannot, its result line says "busy" and the response ends there, the
// lines after it unread (the client retries from that line on).
func (s *Source) serveLines(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.EnableFullDuplex() // read the body while answering
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	queue := make(chan *pending, window)
	var (
		wg      sync.WaitGroup
		readErr error // set before queue closes
		busy    bool  // the first line was not taken
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queue)
		rd := jsonl.NewReader(r.Body, s.cfg.Decoding...)
		first := true
		for {
			_ = rc.SetReadDeadline(time.Now().Add(writeGrace))
			jr, err := rd.Next()
			var le *jsonl.LineError
			switch {
			case errors.Is(err, io.EOF):
				return
			case err != nil && !errors.As(err, &le):
				readErr = err
				return
			}
			line := int(s.seq.Add(1))
			rec := stream.Record{Pos: stream.Position{Offset: int64(line)}, Values: jr.Values}
			if le != nil {
				le.Line = line
				rec.Bad, rec.Values = le, nil
			}
			p := newPending(line, rec.Bad)
			if !s.submit(ctx, p, rec, s.cfg.Wait) {
				if ctx.Err() != nil {
					return // the client is gone
				}
				if first {
					busy = true
					return
				}
				p.refuse(s.isClosing())
				select {
				case queue <- p: // its line ends the answer
				case <-ctx.Done():
				}
				return
			}
			first = false
			select {
			case queue <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()
	started := false
	for p := range queue {
		select {
		case <-p.done:
		case <-ctx.Done():
			return
		}
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		_ = rc.SetWriteDeadline(time.Now().Add(writeGrace))
		_, b := p.answer()
		if _, err := w.Write(append(b, '\n')); err != nil {
			cancel()
			return
		}
		_ = rc.Flush()
	}
	wg.Wait() // readErr and busy are set
	switch {
	case started:
	case busy:
		s.busy(w)
	case readErr != nil:
		http.Error(w, "reading the body: "+readErr.Error(), http.StatusBadRequest)
	default:
		http.Error(w, "no input: the body has no JSON line", http.StatusBadRequest)
	}
}

// busy answers a request whose input the flow did not take in time.
func (s *Source) busy(w http.ResponseWriter) {
	w.Header().Set("Retry-After", s.retryAfter())
	http.Error(w, "busy: the flow has as many inputs in flight as it takes (MaxInFlight); retry later", http.StatusServiceUnavailable)
}

func (s *Source) retryAfter() string {
	return strconv.Itoa(max(1, int((s.cfg.Wait+time.Second-1)/time.Second)))
}

// answer is the status code and body for p, once done.
func (p *pending) answer() (int, []byte) {
	status, result := p.outcome()
	switch {
	case p.refused:
		return http.StatusServiceUnavailable, problem(p.line, "busy", "busy: the flow did not take this line in time (MaxInFlight is full); it and the lines after it were not processed: retry them later")
	case p.closed:
		return http.StatusServiceUnavailable, problem(p.line, "unavailable", "the ingress closed before this input's result was durable; retry")
	case p.bad != nil:
		return http.StatusBadRequest, problem(p.line, "malformed", p.bad.Error())
	case result == nil:
		// Acknowledged without a result (by a consumer that is not a
		// stream.Replier's caller): durable, but unknown here.
		return http.StatusAccepted, problem(p.line, "accepted", "")
	}
	switch status {
	case flow.Done:
		return http.StatusOK, result
	case flow.Stopped:
		return http.StatusUnprocessableEntity, result
	}
	return http.StatusInternalServerError, result
}

func problem(line int, status, msg string) []byte {
	b, _ := json.Marshal(struct {
		Line   int    `json:"line"`
		Status string `json:"status"`
		Error  string `json:"error,omitempty"`
	}{line, status, msg})
	return b
}

func decode(body []byte, line int, opts []jsonl.Option) (map[string]any, error) {
	m, err := jsonl.Decode(body, opts...)
	var le *jsonl.LineError
	if errors.As(err, &le) {
		le.Line = line
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}
