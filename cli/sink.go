package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"strings"
	"sync"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/stream"
)

// sink takes every result of a run: it counts them by status, writes one
// JSON line per result to out and the original input of every Failed one
// to dead, and, when acks is set, acknowledges each input's record to its
// source once those writes are durable. Either writer may be nil. It is
// safe for concurrent use.
type sink struct {
	out, dead stream.Sink
	acks      *stream.Deliveries // nil: the inputs have no records to acknowledge
	values    bool               // --out-format values: write the values object alone

	// intake counts the inputs read and the malformed ones, for the
	// monitor's snapshots and for the summary alike (see snapshot).
	intake snapshot.Intake

	mu     sync.Mutex
	counts counts        // Done, Stopped, Failed; Read and Malformed are intake's
	err    error         // the first write error
	brk    chan struct{} // closed at the first write error; made on demand
	lines  ledger        // input ID → where it came from, while in flight (its own lock)
	closed bool          // abandoned: later results are ignored
	env    envelope      // encodes the lines, under mu
}

// inFlight is what the sink knows of an input before its result: its line,
// and its values for the record abandon writes.
type inFlight struct {
	line   int
	values map[string]any
	rec    stream.Record // the source's record, if hasRec (a copy: no allocation per input)
	hasRec bool
}

// counts account for every input processed from a stream:
// Read == Malformed + Done + Stopped + Failed once the run is over. An input
// read from the stream but never admitted (intake stopped first) is not
// processed and not counted: it is after the line intake stopped at.
type counts struct {
	Read, Malformed, Done, Stopped, Failed int
	Extra                                  int // results of dead letters replayed from the monitor
}

// resultLine is one line of run's output.
type resultLine struct {
	ID       uint64         `json:"id"`
	Line     int            `json:"line,omitempty"` // the input's line (or order number, in the demo)
	Status   string         `json:"status"`
	Values   map[string]any `json:"values"`
	Error    string         `json:"error,omitempty"`
	Stage    string         `json:"stage,omitempty"`
	Attempts int            `json:"attempts"`
}

// malformed counts a malformed input of line, lists it among the
// monitor's events, and acknowledges its record, if it has one: it has
// nothing to write and must not block its partition.
func (s *sink) malformed(line int, bad *jsonl.LineError, rec *stream.Record) {
	s.intake.Read()
	s.intake.Reject(line, bad.Reason+" "+bad.Preview)
	if s.acks != nil && rec != nil {
		s.acks.Ack(*rec)
	}
}

// taken counts an input admitted to the flow.
func (s *sink) taken() { s.intake.Read() }

// expect records that the input with this ID and these values came from
// line, so its result line says so. Call it before submitting the input.
// rec is the input's record in its source (nil if none): it is
// acknowledged once the input's result is durable.
func (s *sink) expect(id uint64, line int, values map[string]any, rec *stream.Record) {
	f := inFlight{line: line, values: values}
	if rec != nil {
		f.rec, f.hasRec = *rec, true
	}
	s.lines.put(id, f)
}

// forget drops an expectation whose input was not admitted.
func (s *sink) forget(id uint64) {
	s.lines.take(id)
}

// add records res. The stream sinks flush by themselves as soon as they
// are written to, so results stream out promptly when the flow is not busy.
func (s *sink) add(res flow.Result) {
	line := headOf(res)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if res.Context == nil {
		line.Values = map[string]any{}
	}
	// Taken under mu: abandon, holding it, must find every input whose
	// result it did not record.
	in, _ := s.lines.take(line.ID)
	s.record(line, res.Status, res.Context, in)
}

// record counts and writes one result of the input in (zero if the sink
// did not expect it). Its values and original input (for the dead letter
// of a Failed one) are c's, or, when c is nil, line.Values and in.values.
func (s *sink) record(line resultLine, status flow.Status, c *flow.Context, in inFlight) {
	line.Line = in.line
	input := in.values
	var rec *stream.Record
	if in.hasRec {
		rec = &in.rec
	}
	switch status {
	case flow.Done:
		s.counts.Done++
	case flow.Stopped:
		s.counts.Stopped++
	default:
		s.counts.Failed++
	}
	if s.err != nil {
		return
	}
	// The result line, encoded once, in s.env's buffer: valid until the
	// next encoding (the dead letter's, after the line is written).
	var envelope []byte
	var envErr error
	encoded := func() ([]byte, error) {
		if envelope == nil && envErr == nil {
			envelope, envErr = s.env.encode(line, c)
		}
		return envelope, envErr
	}
	if rec != nil { // an HTTP request waits for the result envelope, whatever --out-format
		stream.Reply(*rec, status, encoded)
	}
	dead := s.dead != nil && status == flow.Failed
	durable := s.durable(rec, dead)
	var key []byte
	if rec != nil {
		key = rec.Key
	}
	if s.out != nil {
		if s.values {
			b, err := s.env.encodeValues(c, line.Values)
			s.keep(write(s.out, key, durable, b, err))
		} else {
			b, err := encoded()
			s.keep(write(s.out, key, durable, b, err))
		}
	}
	if dead {
		if c != nil {
			input = c.Input()
		}
		b, err := s.env.encodeValues(nil, visible(input))
		s.keep(write(s.dead, key, durable, b, err))
	}
}

// durable returns the callback for the writes of one result: with acks, the
// record is acknowledged once every write is durable; a write lost later
// (a failed fsync, a broker that refused it) is the run's write error.
// Without acks nobody waits for the writes: the writers' own errors are
// the run's (see keep and close).
func (s *sink) durable(rec *stream.Record, dead bool) func(error) {
	if s.acks == nil || rec == nil {
		return ignoreDurable
	}
	writes := 0
	if s.out != nil {
		writes++
	}
	if dead {
		writes++
	}
	return s.acks.After(*rec, writes) // acknowledges at once without writes
}

func ignoreDurable(error) {}

// abandon records every input still in flight as Failed with err, in line
// order, and ignores the results that arrive later: the run ends without
// waiting for them.
func (s *sink) abandon(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.lines.ids() {
		f, ok := s.lines.take(id)
		if !ok {
			continue
		}
		line := resultLine{ID: id, Status: statusName(flow.Failed), Values: visible(f.values), Error: err.Error(), Attempts: 1}
		if line.Values == nil {
			line.Values = map[string]any{}
		}
		s.record(line, flow.Failed, nil, f)
	}
	s.closed = true
}

func (s *sink) keep(err error) {
	if s.err == nil && err != nil {
		s.err = err
		if s.brk != nil {
			close(s.brk)
		}
	}
}

// broken returns a channel closed at the first write error: results can no
// longer be written, so there is no point in taking more inputs.
func (s *sink) broken() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.brk == nil {
		s.brk = make(chan struct{})
		if s.err != nil {
			close(s.brk)
		}
	}
	return s.brk
}

// close flushes and closes the writers (so every acknowledgement due has
// been given) and returns the first write error, including one reported
// after its write returned.
func (s *sink) close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range []stream.Sink{s.out, s.dead} {
		if w != nil {
			s.keep(w.Close(ctx))
		}
	}
	if s.acks != nil {
		s.keep(s.acks.Err())
	}
	return s.err
}

// snapshot returns the counts so far. Extra counts the results beyond one
// per input read: those of dead letters replayed from the monitor.
func (s *sink) snapshot() counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counts
	read, malformed := s.intake.Counts()
	c.Read, c.Malformed = int(read), int(malformed)
	c.Extra = max(0, c.Malformed+c.Done+c.Stopped+c.Failed-c.Read)
	return c
}

// toLine is res as a result line.
func toLine(res flow.Result) resultLine {
	l := headOf(res)
	if res.Context != nil {
		l.Values = visible(maps.Collect(res.Context.All()))
	}
	if l.Values == nil {
		l.Values = map[string]any{}
	}
	return l
}

// headOf is res as a result line without its values.
func headOf(res flow.Result) resultLine {
	l := resultLine{Status: statusName(res.Status)}
	if res.Context != nil {
		l.ID, l.Attempts = res.Context.ID(), res.Context.Attempt()
	}
	if res.Err != nil {
		l.Error = res.Err.Error()
		var se *flow.StageError
		if errors.As(res.Err, &se) {
			l.Stage, l.Attempts = se.Stage, max(l.Attempts, se.Attempt)
			if se.Err != nil {
				l.Error = se.Err.Error()
			}
		}
	}
	return l
}

func statusName(s flow.Status) string {
	switch s {
	case flow.Done:
		return "done"
	case flow.Stopped:
		return "stopped"
	}
	return "failed"
}

// visible drops the keys services keep for themselves (those starting with
// a NUL byte, like the timer's start time) from a copy of m.
func visible(m map[string]any) map[string]any {
	for k := range m {
		if strings.HasPrefix(k, "\x00") {
			m = maps.Clone(m)
			maps.DeleteFunc(m, func(k string, _ any) bool { return strings.HasPrefix(k, "\x00") })
			break
		}
	}
	return m
}

// write writes one encoded line b to w, or reports the error err that kept
// it from being encoded.
func write(w stream.Sink, key []byte, durable func(error), b []byte, err error) error {
	if err != nil {
		durable(err)
		return err
	}
	return w.Write(context.Background(), stream.Message{Key: key, Value: b}, durable)
}

// isEncodeError tells an encoding failure (the value's fault; nothing was
// written) from a failure of the underlying writer (sticky).
func isEncodeError(err error) bool {
	var (
		uv *json.UnsupportedValueError
		ut *json.UnsupportedTypeError
		me *json.MarshalerError
	)
	return errors.As(err, &uv) || errors.As(err, &ut) || errors.As(err, &me)
}

// encodable returns v with every value encoding/json rejects replaced by
// its fmt text.
func encodable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = encodable(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = encodable(e)
		}
		return s
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Sprint(v)
		}
		return v
	case nil, string, bool, int, int64, uint64, float32, int32:
		return v
	}
	if _, err := json.Marshal(v); err != nil {
		return fmt.Sprint(v)
	}
	return v
}

// acking reports whether src acts on acknowledgements. A file read without
// a checkpoint does not (file.Source.Acks), so its results need not be
// tracked until durable: the sinks' Close makes them so before the run
// ends, and reports what it could not.
func acking(src stream.Source) bool {
	a, ok := src.(interface{ Acks() bool })
	return !ok || a.Acks()
}
