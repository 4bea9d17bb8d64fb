package tui

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// recorder is a Source that writes every snapshot it hands out to a
// recording: NDJSON in the snapshot package's versioned schema, the stream
// flowrun replay reads. Its first write error is kept, and it stops writing.
type recorder struct {
	Source
	mu  sync.Mutex
	enc *snapshot.Encoder
	err error
}

func record(src Source, w io.Writer) *recorder {
	return &recorder{Source: src, enc: snapshot.NewEncoder(w)}
}

// Snapshot returns the source's snapshot and records it.
func (r *recorder) Snapshot() snapshot.Snapshot {
	s := r.Source.Snapshot()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		if err := r.enc.Encode(s); err != nil {
			r.err = fmt.Errorf("tui: record: %w", err)
		}
	}
	return s
}

// Err is the first error writing the recording.
func (r *recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// poll takes a snapshot every refresh until ctx is done, and a last one:
// what Off mode does when it records.
func poll(ctx context.Context, src Source, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		src.Snapshot()
		select {
		case <-ctx.Done():
			src.Snapshot()
			return
		case <-t.C:
		}
	}
}

// Tap taps the recorded source's stages, if it can.
func (r *recorder) Tap(ctx context.Context, stage string, since uint64) ([]snapshot.Sample, error) {
	if t, ok := r.Source.(snapshot.Tapper); ok {
		return t.Tap(ctx, stage, since)
	}
	return nil, snapshot.ErrNoTap
}
