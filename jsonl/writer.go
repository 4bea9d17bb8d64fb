package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// A Writer writes values as JSON lines: one compact object per line, with
// HTML characters left unescaped. Output is buffered; call [Writer.Flush]
// when done.
//
// A Writer is safe for concurrent use; each line is written whole.
type Writer struct {
	mu  sync.Mutex
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

const maxKeptBuffer = 1 << 20

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer {
	jw := &Writer{bw: bufio.NewWriter(w)}
	jw.enc = json.NewEncoder(&jw.buf)
	jw.enc.SetEscapeHTML(false)
	return jw
}

// Write encodes v with encoding/json and writes it as one line. v must
// encode to a JSON object (a map or struct); anything else returns an error
// wrapping [ErrNotObject] and writes nothing. An encoding error also writes
// nothing. An error from the underlying writer is sticky.
func (w *Writer) Write(v any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Reset()
	if err := w.enc.Encode(v); err != nil {
		return err
	}
	if b := w.buf.Bytes(); len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("jsonl: cannot write %T: %w", v, ErrNotObject)
	}
	_, err := w.bw.Write(w.buf.Bytes())
	if w.buf.Cap() > maxKeptBuffer {
		w.buf = bytes.Buffer{} // don't hold on to one huge line's memory
	}
	return err
}

// Flush writes any buffered lines to the underlying writer.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.bw.Flush()
}
