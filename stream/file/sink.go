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

	"github.com/serviceflow/serviceflow/stream"
)

// Sink writes messages as lines. A message is durable once its line is
// flushed and, for a file, fsynced; the fsyncs are batched, one covering
// every line written while the previous one ran. Create it with [Create]
// or [NewSink].
type Sink struct {
	w      *bufio.Writer
	syncer interface{ Sync() error } // nil: flushed is durable
	closer io.Closer

	mu      sync.Mutex
	pending []func(error) // written, not yet flushed
	err     error         // sticky: the first write or sync error
	flushMu sync.Mutex    // one flush (and fsync) at a time

	kick    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

var _ stream.Sink = (*Sink)(nil)

// A SinkOption configures Create.
type SinkOption func(*sinkConfig)

type sinkConfig struct{ append bool }

// Append keeps what path holds and writes after it, as a restart from a
// checkpoint needs. A last line without its "\n" (torn by a crash) is cut
// off first: its record was not checkpointed, so it is written again.
func Append() SinkOption { return func(c *sinkConfig) { c.append = true } }

// Create creates (or truncates, unless Append) the file at path.
func Create(path string, opts ...SinkOption) (*Sink, error) {
	var c sinkConfig
	for _, o := range opts {
		o(&c)
	}
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
	s := newSink(f, f)
	s.closer = f
	return s, nil
}

// NewSink writes to w (stdout, say); if w is an *os.File its lines are
// fsynced where the file supports it (a pipe or terminal does not: there a
// flushed line is as durable as it gets). Close does not close w.
func NewSink(w io.Writer) *Sink {
	var syncer interface{ Sync() error }
	if f, ok := w.(*os.File); ok {
		syncer = f
	}
	return newSink(w, syncer)
}

func newSink(w io.Writer, syncer interface{ Sync() error }) *Sink {
	s := &Sink{
		w: bufio.NewWriterSize(w, 64<<10), syncer: syncer,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{}),
	}
	go s.loop()
	return s
}

// Write appends m's value as one line. durable is called once the line is
// flushed and fsynced, or with the error that lost it.
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
		s.pending = nil
		s.mu.Unlock()
		for _, f := range pending {
			f(err)
		}
		durable(err)
		return err
	}
	s.pending = append(s.pending, durable)
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
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
	s.pending = nil
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
	return err
}

// loop flushes whenever lines were written: while one fsync runs, the lines
// written meanwhile wait for the next, so fsyncs batch themselves.
func (s *Sink) loop() {
	defer close(s.stopped)
	for {
		select {
		case <-s.kick:
			_ = s.flush() // the error is sticky and reported to the callbacks
		case <-s.stop:
			return
		}
	}
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
