package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/serviceflow/serviceflow/flow"
)

var appendSpec = Spec{
	Doc: "Appends each input's values (or only keys) as one JSON line to a file, created if missing. " +
		"In a batched step (batch: in a flow file) it writes a whole batch at once, with one fsync per batch: " +
		"a batch's inputs are Done only once their lines are on disk. A failed write or fsync is Fatal (the " +
		"service restarts, reopening the file, and the batch is redelivered), so a line may be written twice, " +
		"never lost.",
	Params: []Param{
		{Name: "path", Type: "string", Required: true, Doc: "the file to append to"},
		{Name: "keys", Type: "list of strings", Doc: "the keys to write; default every value"},
		{Name: "fsync", Type: "bool", Default: true, Doc: "flush each batch (or input) to disk before it is Done"},
	},
	Keys:     "reads keys (or every value); writes none",
	Promises: []string{},
	Batches:  true,
	Build:    buildAppend,
}

func buildAppend(p Params) (flow.Service, error) {
	s := &appendService{}
	var errs []error
	var err error
	if s.path, err = p.String("path"); err != nil {
		errs = append(errs, err)
	} else if s.path == "" {
		errs = append(errs, &ParamError{Param: "path", Err: errors.New("want a file name")})
	}
	if p.Has("keys") {
		if s.keys, err = p.Strings("keys"); err != nil {
			errs = append(errs, err)
		}
		if s.keys == nil {
			s.keys = []string{}
		}
	}
	if s.fsync, err = p.Bool("fsync"); err != nil {
		errs = append(errs, err)
	}
	return s, errors.Join(errs...)
}

// appendService is shared by the instances of a step with concurrency: mu
// serializes writes, and the file is opened on first use after a Stop.
type appendService struct {
	path  string
	keys  []string // nil: every value
	fsync bool

	mu  sync.Mutex
	f   *os.File
	buf []byte
}

var _ batchService = (*appendService)(nil)

func (s *appendService) Name() string { return "append" }

// Expects is the keys written, when they are listed.
func (s *appendService) Expects() []string {
	if s.keys == nil {
		return nil
	}
	return s.keys
}
func (s *appendService) Promises() []string { return []string{} }

// Start opens the file, so a bad path fails before the first input.
func (s *appendService) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open()
}

func (s *appendService) open() error {
	if s.f != nil {
		return nil
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("append: %w", err)
	}
	s.f = f
	return nil
}

// Stop closes the file.
func (s *appendService) Stop(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	if err != nil {
		return fmt.Errorf("append: %w", err)
	}
	return nil
}

// Call writes one input's line: a batch of one.
func (s *appendService) Call(ctx context.Context, c *flow.Context) error {
	return callOne(ctx, s, c)
}

// CallBatch writes the batch's lines in one write, then fsyncs. An input
// whose values cannot be encoded fails alone.
func (s *appendService) CallBatch(_ context.Context, batch []*flow.Context) error {
	var errs flow.BatchError // nil while every input succeeds
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = s.buf[:0]
	for i, c := range batch {
		line, err := s.line(c)
		if err != nil {
			if errs == nil {
				errs = make(flow.BatchError, len(batch))
			}
			errs[i] = err
			continue
		}
		s.buf = append(append(s.buf, line...), '\n')
	}
	if len(s.buf) == 0 {
		return errs // every input failed (or there were none)
	}
	if err := s.write(); err != nil {
		// For every input written: the restart reopens the file.
		if errs == nil {
			return flow.Fatal(err)
		}
		for i, e := range errs {
			if e == nil {
				errs[i] = flow.Fatal(err)
			}
		}
	}
	if errs == nil {
		return nil
	}
	return errs
}

func (s *appendService) line(c *flow.Context) ([]byte, error) {
	var v any = c
	if s.keys != nil {
		m := make(map[string]any, len(s.keys))
		for _, k := range s.keys {
			val, ok := c.Get(k)
			if !ok {
				return nil, fmt.Errorf("%w %q (want any value)", flow.ErrMissingKey, k)
			}
			m[k] = val
		}
		v = m
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("append: encode the input's values: %w", err)
	}
	return b, nil
}

// write appends the buffer. After a short write it cuts the file back, so
// the redelivered batch does not follow half a line.
func (s *appendService) write() error {
	if err := s.open(); err != nil {
		return err
	}
	end, err := s.f.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("append: %w", err)
	}
	if _, err := s.f.Write(s.buf); err != nil {
		_ = s.f.Truncate(end)
		return fmt.Errorf("append: %w", err)
	}
	if s.fsync {
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("append: fsync: %w", err)
		}
	}
	return nil
}
