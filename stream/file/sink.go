package file

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/serviceflow/serviceflow/stream"
)

// Sink writes messages as lines. A message is durable once its line is
// flushed and, for a file, fsynced. The lines are committed in groups (see
// commit.go): one flush and fsync covers every line written meanwhile, and
// when lines come fast (256 or more during one commit) the next waits for
// more, up to 2 ms, 1 MiB or [GroupLines]; a slow stream's lines are
// committed at once. Create it with [Create] or [NewSink].
type Sink struct {
	w      *bufio.Writer
	syncer interface{ Sync() error } // nil: flushed is durable
	closer io.Closer
	group  grouping

	mu      sync.Mutex
	pending []func(error) // written, not yet flushed
	written uint64        // lines written since the start
	first   time.Time     // when the group's first line was written
	batch   int           // bytes written since the last flush
	err     error         // sticky: the first write or sync error
	flushMu sync.Mutex    // one flush (and fsync) at a time
	spare   []func(error) // the previous pending list, emptied; under flushMu

	kick    chan struct{} // a line was written to an empty group
	full    chan struct{} // the group holds group.bytes
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

var _ stream.Sink = (*Sink)(nil)

// A SinkOption configures Create.
type SinkOption func(*sinkConfig)

type sinkConfig struct {
	append bool
	lines  int      // GroupLines
	group  grouping // zero: defaultGrouping (tests set it)
}

// Append keeps what path holds and writes after it, as a restart from a
// checkpoint needs. A last line without its "\n" (torn by a crash) is cut
// off first: its record was not checkpointed, so it is written again.
func Append() SinkOption { return func(c *sinkConfig) { c.append = true } }

// GroupLines bounds the lines one fsync waits for (by default only the
// group's bytes and age bound it; a bound of 256 or less means a group
// never waits, see commit.go): a source that bounds the records it
// hands out before their acknowledgement (a [stream.Window]) must not wait
// for a group it cannot fill. A quarter of the window suits flowrun's
// (in flight, waiting for the sink, waiting for the commit).
func GroupLines(n int) SinkOption { return func(c *sinkConfig) { c.lines = n } }

func config(opts []SinkOption) sinkConfig {
	var c sinkConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Create creates (or truncates, unless Append) the file at path.
func Create(path string, opts ...SinkOption) (*Sink, error) {
	c := config(opts)
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if c.append {
		flags = os.O_RDWR | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, err
	}
	if c.append {
		if err := cutTornLine(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("file: %s: %w", path, err)
		}
	}
	s := newSink(f, f, c)
	s.closer = f
	return s, nil
}

// NewSink writes to w (stdout, say); if w is an *os.File its lines are
// fsynced where the file supports it (a pipe or terminal does not: there a
// flushed line is as durable as it gets). Close does not close w. Append
// means nothing here.
func NewSink(w io.Writer, opts ...SinkOption) *Sink {
	var syncer interface{ Sync() error }
	if f, ok := w.(*os.File); ok {
		syncer = f
	}
	return newSink(w, syncer, config(opts))
}

func newSink(w io.Writer, syncer interface{ Sync() error }, c sinkConfig) *Sink {
	g := c.group
	if g == (grouping{}) {
		g = defaultGrouping
	}
	if c.lines > 0 {
		g.lines = c.lines
	}
	s := &Sink{
		w: bufio.NewWriterSize(w, 64<<10), syncer: syncer, group: g,
		kick: make(chan struct{}, 1), full: make(chan struct{}, 1),
		stop: make(chan struct{}), stopped: make(chan struct{}),
	}
	go s.loop()
	return s
}

// Write appends m's value as one line (copying it: m is the caller's again
// when Write returns). durable is called once the line is flushed and
// fsynced, or with the error that lost it.
func (s *Sink) Write(_ context.Context, m stream.Message, durable func(error)) error {
	s.mu.Lock()
	if err := s.err; err != nil {
		s.mu.Unlock()
		durable(err)
		return err
	}
	_, err := s.w.Write(m.Value)
	if err == nil {
		err = s.w.WriteByte('\n')
	}
	if err != nil {
		s.err = err
		pending := s.pending
		s.pending = nil // not the spare's: a flush may be calling it
		s.mu.Unlock()
		for _, f := range pending {
			f(err)
		}
		durable(err)
		return err
	}
	first := len(s.pending) == 0
	if first {
		s.first = time.Now()
	}
	s.pending = append(s.pending, durable)
	s.written++
	s.batch += len(m.Value) + 1
	full := s.group.full(s.batch, len(s.pending))
	s.mu.Unlock()
	if first {
		signal(s.kick)
	}
	if full {
		signal(s.full)
	}
	return nil
}

// signal wakes the loop if it waits on c, and remembers it otherwise.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Flush flushes and fsyncs every line written so far and waits for their
// callbacks.
func (s *Sink) Flush(context.Context) error {
	return s.flush()
}

func (s *Sink) flush() error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	pending := s.pending
	s.pending, s.spare = s.spare, nil
	s.batch = 0
	err := s.err
	if err == nil {
		err = s.w.Flush()
	}
	s.mu.Unlock()
	if err == nil && s.syncer != nil && len(pending) > 0 {
		err = s.syncer.Sync()
		if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, os.ErrInvalid) {
			err = nil // a pipe or terminal: flushed is all there is
		}
	}
	if err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
	for _, f := range pending {
		f(err)
	}
	clear(pending)
	s.spare = pending[:0]
	return err
}

// Close flushes, fsyncs and closes the file.
func (s *Sink) Close(context.Context) error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		<-s.stopped
		err = s.flush()
		if s.closer != nil {
			err = errors.Join(err, s.closer.Close())
		}
	})
	return err
}

// cutTornLine truncates f after its last "\n", dropping a partial last
// line.
func cutTornLine(f *os.File) error {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	buf := make([]byte, 64<<10)
	end := st.Size()
	for end > 0 {
		n := int64(len(buf))
		if n > end {
			n = end
		}
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return err
		}
		for i := n - 1; i >= 0; i-- {
			if buf[i] == '\n' {
				cut := end - n + i + 1
				if cut == st.Size() {
					return nil
				}
				return f.Truncate(cut)
			}
		}
		end -= n
	}
	return f.Truncate(0)
}
