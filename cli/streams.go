package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serviceflow/serviceflow/jsonl"
	"github.com/serviceflow/serviceflow/stream"
	"github.com/serviceflow/serviceflow/stream/file"
	"github.com/serviceflow/serviceflow/stream/kafka"
)

// sourceLimits are what run bounds a source by.
type sourceLimits struct {
	window     int           // records read and not yet committed back to the source (stream.Window)
	revokeWait time.Duration // how long a revoked Kafka partition's records in flight may take to finish
}

// openSource opens --in: "-" for stdin, a path, or a broker URL.
// checkpoint, if set, makes a file source resumable.
func (e *env) openSource(ctx context.Context, name, checkpoint string, lim sourceLimits, dec ...jsonl.Option) (stream.Source, error) {
	opts := []file.Option{file.Decoding(dec...), file.Window(lim.window)}
	if checkpoint != "" {
		opts = append(opts, file.Checkpoint(checkpoint))
	}
	switch {
	case isURL(name):
		if checkpoint != "" {
			return nil, usageError("run: --checkpoint is for file inputs; a broker keeps its consumers' positions itself")
		}
		return openBrokerSource(ctx, name, lim, dec, e.brokerLog)
	case name == "-":
		src, err := file.NewSource(e.stdin, opts...)
		if err != nil {
			return nil, withCode(ExitUsage, fmt.Errorf("run: --checkpoint: %w", err))
		}
		return src, nil
	}
	src, err := file.Open(name, opts...)
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("run: --in: %w", err))
	}
	return src, nil
}

// openSink opens --out or --dead-letters: "-" for stdout, a path, or a
// broker URL. resume keeps what a file holds (a restart from a checkpoint).
// A file's fsyncs wait for no more than a quarter of the source's window:
// the rest holds the records in flight and those waiting for their commit.
func (e *env) openSink(ctx context.Context, flag, name string, resume bool, lim sourceLimits) (stream.Sink, error) {
	group := file.GroupLines(max(1, lim.window/4))
	switch {
	case isURL(name):
		return openBrokerSink(ctx, flag, name, e.brokerLog)
	case name == "-":
		return file.NewSink(e.stdout, group), nil
	}
	opts := []file.SinkOption{group}
	if resume {
		opts = append(opts, file.Append())
	}
	s, err := file.Create(name, opts...)
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("run: %s: %w", flag, err))
	}
	return s, nil
}

func isURL(name string) bool { return strings.Contains(name, "://") }

// sourceFeed is the feed of a source: its records until it ends or the
// feed's context ends (intake stopped). A record whose value is not a JSON
// object comes as a malformed input, acknowledged once counted; so does one
// that check (the flow file's declared input types; nil for none) rejects,
// whatever the source (a file source's decoder has checked it already).
func sourceFeed(src stream.Source, check func(map[string]any) error) feed {
	return func(ctx context.Context, emit func(input) bool) error {
		for {
			rec, err := src.Next(ctx)
			switch {
			case errors.Is(err, io.EOF) || (err != nil && ctx.Err() != nil):
				return nil
			case err != nil:
				return err
			}
			if rec.Key != nil && rec.Values != nil {
				rec.Values[stream.KeyValue] = string(rec.Key) // routes concurrent stages (actors.Affinity)
			}
			in := input{line: int(rec.Pos.Offset), values: rec.Values, rec: rec, hasRec: true}
			if rec.Bad != nil {
				var le *jsonl.LineError
				if !errors.As(rec.Bad, &le) {
					le = &jsonl.LineError{Line: in.line, Err: rec.Bad}
				}
				in.bad = le
			} else if check != nil {
				if err := check(rec.Values); err != nil {
					in.bad = &jsonl.LineError{Line: in.line, Reason: jsonl.ErrInvalidInput.Error(), Kind: jsonl.ErrInvalidInput,
						Err: err, Preview: previewValues(rec.Values)}
				}
			}
			if !emit(in) {
				return nil
			}
		}
	}
}

// recheck is the check sourceFeed must apply to src's records, given that
// src was opened with jsonl.Check(check) (as run opens every source): none
// for a file source, whose decoder checked every line already (its
// records come from jsonl.Reader, which applies the option), and check for
// the others, whatever they did.
func recheck(src stream.Source, check func(map[string]any) error) func(map[string]any) error {
	if _, ok := src.(*file.Source); ok {
		return nil
	}
	return check
}

// blankLines returns how many blank lines a file source skipped; 0 for others.
func blankLines(src stream.Source) int {
	if f, ok := src.(*file.Source); ok {
		return f.Stats().Blank
	}
	return 0
}

// resumedAfter returns the line a file source resumed after: the lines up
// to it were processed by an earlier run.
func resumedAfter(src stream.Source) int {
	if f, ok := src.(*file.Source); ok {
		return int(f.Resumed())
	}
	return 0
}

// previewValues is a record's values as jsonl previews a line: the start of
// their JSON, Go-quoted, at most 200 bytes.
func previewValues(v map[string]any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		b = b[:cut]
	}
	return strconv.Quote(string(b))
}

// sourceState describes what a Kafka source owns at the end of a run, for
// the summary: its partitions and their lag (records not done, to the
// high watermark of the last fetch). "" for other sources.
func sourceState(src stream.Source) string {
	k, ok := src.(*kafka.Source)
	if !ok {
		return ""
	}
	var ids []string
	var lag int64
	for _, p := range k.Partitions() {
		ids = append(ids, strconv.Itoa(int(p.ID)))
		lag += p.Lag
	}
	if len(ids) == 0 {
		return "partitions=none"
	}
	return fmt.Sprintf("partitions=%s lag=%d", strings.Join(ids, ","), lag)
}
