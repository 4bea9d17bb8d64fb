package cli

import (
	"strconv"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/jsoncodec"
)

// envelope encodes result lines without reflection: the bytes encoding/json
// gives a resultLine (SetEscapeHTML(false), values' keys sorted), written
// from the context's values without building a map. Its buffers are reused
// from line to line, and so is the line it returns; it is not safe for
// concurrent use.
type envelope struct {
	buf    []byte
	shapes shapes
}

// encode returns l as one result line, values from c when c is set (else
// from l.Values), in the envelope's buffer: valid until the next call (a
// stream.Sink's Write copies what it keeps). Values JSON cannot
// encode (NaN, infinities, channels) are replaced by their text, so every
// result still gets its line.
func (e *envelope) encode(l resultLine, c *flow.Context) ([]byte, error) {
	e.trim()
	var err error
	e.buf = appendHead(e.buf[:0], &l)
	if c != nil {
		e.buf, err = e.shapes.appendObject(e.buf, c)
	} else {
		e.buf, err = appendValues(e.buf, l.Values)
	}
	if err != nil && isEncodeError(err) {
		if c != nil {
			l.Values = valuesMap(c)
		}
		l.Values = encodable(l.Values).(map[string]any)
		e.buf, err = appendValues(appendHead(e.buf[:0], &l), l.Values)
	}
	if err != nil {
		return nil, err
	}
	e.buf = appendTail(e.buf, &l)
	return e.buf, nil
}

// encodeValues returns c's visible values (or m's, when c is nil) as one
// JSON object, with the same fallback as encode, in the same buffer.
func (e *envelope) encodeValues(c *flow.Context, m map[string]any) ([]byte, error) {
	e.trim()
	var err error
	if c != nil {
		e.buf, err = e.shapes.appendObject(e.buf[:0], c)
		if err != nil && isEncodeError(err) {
			m = valuesMap(c)
		}
	}
	if c == nil || err != nil && isEncodeError(err) {
		if m == nil {
			m = map[string]any{}
		}
		e.buf, err = jsoncodec.AppendValue(e.buf[:0], m)
		if err != nil && isEncodeError(err) {
			e.buf, err = jsoncodec.AppendValue(e.buf[:0], encodable(m))
		}
	}
	if err != nil {
		return nil, err
	}
	return e.buf, nil
}

// valuesMap returns c's values without the keys services keep for
// themselves (those starting with a NUL byte).
func valuesMap(c *flow.Context) map[string]any {
	m := map[string]any{}
	for k, v := range c.All() {
		if !strings.HasPrefix(k, "\x00") {
			m[k] = v
		}
	}
	return m
}

// trim lets go of a buffer that one huge line grew.
func (e *envelope) trim() {
	if cap(e.buf) > maxKeptBuffer {
		e.buf = nil
	}
}

const maxKeptBuffer = 1 << 20

// appendHead appends l as encoding/json encodes a resultLine, up to its
// values: `{"id":1,"line":2,"status":"done","values":`.
func appendHead(dst []byte, l *resultLine) []byte {
	dst = append(dst, `{"id":`...)
	dst = strconv.AppendUint(dst, l.ID, 10)
	if l.Line != 0 {
		dst = append(dst, `,"line":`...)
		dst = strconv.AppendInt(dst, int64(l.Line), 10)
	}
	dst = append(dst, `,"status":`...)
	dst = jsoncodec.AppendString(dst, l.Status)
	return append(dst, `,"values":`...)
}

// appendValues appends m as a resultLine's values: null when nil.
func appendValues(dst []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	return jsoncodec.AppendValue(dst, m)
}

// appendTail appends the rest of l after its values.
func appendTail(dst []byte, l *resultLine) []byte {
	if l.Error != "" {
		dst = append(dst, `,"error":`...)
		dst = jsoncodec.AppendString(dst, l.Error)
	}
	if l.Stage != "" {
		dst = append(dst, `,"stage":`...)
		dst = jsoncodec.AppendString(dst, l.Stage)
	}
	dst = append(dst, `,"attempts":`...)
	dst = strconv.AppendInt(dst, int64(l.Attempts), 10)
	return append(dst, '}')
}
