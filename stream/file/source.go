package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
)

// Source reads JSON lines: each line is a record whose position is its
// line number (Offset; Partition 0). A malformed line is a record with Bad
// set. Create it with [Open] or [NewSource].
type Source struct {
	r      *jsonl.Reader
	closer io.Closer
	offs   stream.Offsets
	skip   int64 // lines at or below this were done before a restart
	dec    []jsonl.Option
	win    *stream.Window // with a checkpoint: records read and not yet in it
	size   int            // the window's size (0: stream.DefaultWindow)

	ckpt    *checkpoint
	kick    chan struct{} // an ack arrived since the last save
	stop    chan struct{}
	stopped chan struct{}
	mu      sync.Mutex // guards ckpt.save and ckptErr
	ckptErr error
	once    sync.Once
}

var _ stream.Source = (*Source)(nil)

// An Option configures a Source.
type Option func(*Source) error

// Checkpoint makes the source resumable: it skips the lines up to the one
// recorded in path (if path exists) and records there, as acks arrive
// (one save, two fsyncs, covering every ack since the one before) and when
// closed, the highest contiguous line whose record was acknowledged.
func Checkpoint(path string) Option {
	return func(s *Source) error {
		c, err := loadCheckpoint(path)
		if err != nil {
			return err
		}
		s.ckpt, s.skip = c, c.line
		return nil
	}
}

// Window sets how many lines a resumable source (see Checkpoint) reads
// ahead of its checkpoint at most (default stream.DefaultWindow;
// stream.WindowFor the runtime's MaxInFlight is the right size): Next waits while that
// many lines are read and not yet recorded, so a crash repeats at most
// that many. Without a checkpoint it has no effect.
func Window(lines int) Option {
	return func(s *Source) error {
		if lines < 0 {
			return fmt.Errorf("file: window %d: must not be negative", lines)
		}
		s.size = lines
		return nil
	}
}

// Decoding passes options to the JSON-lines decoder (line size, depth).
func Decoding(opts ...jsonl.Option) Option {
	return func(s *Source) error {
		s.dec = append(s.dec, opts...)
		return nil
	}
}

// Open opens path for reading ("-" is not special here: see NewSource).
func Open(path string, opts ...Option) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s, err := NewSource(f, opts...)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.closer = f
	return s, nil
}

// NewSource reads from r (stdin, say). Close does not close r.
func NewSource(r io.Reader, opts ...Option) (*Source, error) {
	s := &Source{}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.r = jsonl.NewReader(r, s.dec...)
	if s.ckpt != nil {
		s.win = stream.NewWindow(s.size)
		s.stop, s.stopped, s.kick = make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
		go s.saveLoop()
	}
	return s, nil
}

// Next returns the next line's record, io.EOF at the end of the input.
// Reading cannot be interrupted: ctx is checked between lines. With a
// checkpoint, Next first waits while the window is full.
func (s *Source) Next(ctx context.Context) (stream.Record, error) {
	if err := s.win.Acquire(ctx); err != nil {
		return stream.Record{}, err
	}
	rec, err := s.next(ctx)
	if err != nil {
		s.win.Release(1)
	}
	return rec, err
}

func (s *Source) next(ctx context.Context) (stream.Record, error) {
	for {
		if err := ctx.Err(); err != nil {
			return stream.Record{}, err
		}
		rec, err := s.r.Next()
		var r stream.Record
		if err == nil {
			r = stream.Record{Pos: stream.Position{Offset: int64(rec.Line)}, Values: rec.Values}
		} else if le := lineError(err); le != nil {
			r = stream.Record{Pos: stream.Position{Offset: int64(le.Line)}, Bad: le}
		} else {
			return stream.Record{}, err
		}
		if r.Pos.Offset <= s.skip {
			continue
		}
		if s.ckpt != nil {
			s.offs.Start(r.Pos)
		}
		return r, nil
	}
}

// lineError returns err as a malformed line, nil if it is not one. (Its
// own function, so that the variable errors.As needs escapes to the heap
// only for an error, not for every line.)
func lineError(err error) *jsonl.LineError {
	var le *jsonl.LineError
	if errors.As(err, &le) {
		return le
	}
	return nil
}

// Acks reports whether Ack does anything: only with a checkpoint. A
// writer need not track when the results of a source that doesn't are
// durable.
func (s *Source) Acks() bool { return s.ckpt != nil }

// Ack records that rec's result is durable. Without a checkpoint there is
// nothing to record, and Ack does nothing.
func (s *Source) Ack(rec stream.Record) {
	if s.ckpt == nil {
		return
	}
	s.offs.Done(rec.Pos)
	if s.kick != nil {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// Line returns the highest contiguous line whose record was acknowledged
// (or skipped on resume): what the checkpoint records. Only a source with
// a checkpoint tracks its lines (that costs a lock and a queue entry per
// line); without one, Line returns 0.
func (s *Source) Line() int64 {
	if next, ok := s.offs.Next(0); ok {
		return next - 1
	}
	return s.skip
}

// Resumed returns the line the source resumed after (0 for none): the
// lines up to it were skipped.
func (s *Source) Resumed() int64 { return s.skip }

// Stats returns the reader's line counts (since the start of the input,
// including the lines skipped on resume).
func (s *Source) Stats() jsonl.Stats { return s.r.Stats() }

// Close records the checkpoint one last time and closes the file.
func (s *Source) Close(context.Context) error {
	var errs []error
	s.once.Do(func() {
		if s.ckpt != nil {
			close(s.stop)
			<-s.stopped
			errs = append(errs, s.save())
		}
		if s.closer != nil {
			errs = append(errs, s.closer.Close())
		}
		s.mu.Lock()
		errs = append(errs, s.ckptErr)
		s.mu.Unlock()
	})
	return errors.Join(errs...)
}

// saveLoop saves the checkpoint as soon as acks arrive: while one save
// (two fsyncs) runs, the acks that arrive meanwhile wait for the next, so
// saves batch themselves and the checkpoint trails the durable results by
// about one save.
func (s *Source) saveLoop() {
	defer close(s.stopped)
	for {
		select {
		case <-s.kick:
			if err := s.save(); err != nil {
				s.mu.Lock()
				if s.ckptErr == nil {
					s.ckptErr = err
				}
				s.mu.Unlock()
			}
		case <-s.stop:
			return
		}
	}
}

// save records the checkpoint and gives the window back the lines it now
// covers.
func (s *Source) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := s.Line()
	if err := s.ckpt.save(line); err != nil {
		return err
	}
	s.win.Release(s.offs.Commit(0, line+1))
	return nil
}
