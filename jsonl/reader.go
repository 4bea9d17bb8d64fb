package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// A Record is one decoded line.
type Record struct {
	Line   int            // 1-based line number in the stream
	Values map[string]any // the object; never nil
}

// Stats counts the lines a [Reader] has consumed. Lines is always
// Records + Malformed + Blank.
type Stats struct {
	Lines     int // physical lines read, including the last one without "\n"
	Records   int // lines returned as a Record
	Malformed int // lines reported as a *LineError
	Blank     int // empty or whitespace-only lines, skipped silently
}

// A Reader decodes a stream of JSON lines. Create it with [NewReader] and
// call [Reader.Next] until it returns an error other than a [*LineError].
//
// Lines may end in "\n" or "\r\n"; the last line needs no terminator; a UTF-8
// byte order mark at the start of the stream is ignored. Memory use is
// bounded by the line size limit, however long an input line is, plus what
// the Reader remembers of the lines before to decode the next faster (their
// keys and short string values: at most a few hundred KiB).
//
// Each line is read once: a valid line is decoded as it is checked; only
// a malformed one is read again, by encoding/json, to say why.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	br    *bufio.Reader
	cfg   config
	dec   decoder
	buf   []byte // a line that did not fit into br's buffer
	err   error  // final error, returned by every later Next
	stats Stats
}

// readBufferSize is the size of the bufio.Reader buffer; longer lines are
// assembled in Reader.buf, up to the line size limit.
const readBufferSize = 64 << 10

// NewReader returns a Reader that reads from r, buffered.
func NewReader(r io.Reader, opts ...Option) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, readBufferSize), cfg: newConfig(opts)}
}

// Next returns the next object in the stream.
//
// A malformed line yields a [*LineError] (unwrapping to a sentinel such as
// [ErrSyntax]); call Next again to continue with the following line.
// Empty and whitespace-only lines are skipped. At the end of the stream Next
// returns io.EOF. An error from the underlying reader is returned as it is
// and is final: Next returns it again on every later call, and a partial
// line read before it is dropped.
func (r *Reader) Next() (Record, error) {
	for r.err == nil {
		line, long, err := r.readLine()
		if err != nil {
			r.err = err
			if err != io.EOF || (len(line) == 0 && !long) {
				break
			}
			// A last line without "\n": decode it now, end on the next call.
		}
		r.stats.Lines++
		n := r.stats.Lines

		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if long {
			r.stats.Malformed++
			return Record{}, tooLong(&r.cfg).lineError(n, line)
		}
		if isBlank(line) {
			r.stats.Blank++
			continue
		}
		m, p := r.dec.decodeLine(line, &r.cfg)
		if p != nil {
			r.stats.Malformed++
			return Record{}, p.lineError(n, line)
		}
		r.stats.Records++
		return Record{Line: n, Values: m}, nil
	}
	return Record{}, r.err
}

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// slack is how far past the line size limit readLine keeps bytes: room for
// a "\r\n" terminator and a byte order mark, which do not count.
const slack = 5

// previewKeep is how many bytes of an oversized line are kept for its
// preview.
const previewKeep = 2 * previewMax

// readLine reads up to and including the next "\n" or to the end of input.
// If the line is longer than the limit (plus slack) it keeps only the start
// and reports tooLong. The result is valid until the next call.
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	limit := r.cfg.maxLineSize + slack
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		switch {
		case tooLong:
			// Discard the rest of the line.
		case len(r.buf)+len(chunk) > limit:
			tooLong = true
			keep := max(0, min(len(chunk), previewKeep-len(r.buf)))
			r.buf = append(r.buf, chunk[:keep]...)
		case len(r.buf) == 0 && !errors.Is(err, bufio.ErrBufferFull):
			// The common case: the whole line is in br's buffer.
			return chunk, false, err
		default:
			r.buf = append(r.buf, chunk...)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return r.buf, tooLong, err
		}
	}
}
