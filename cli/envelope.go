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
	fields []jsoncodec.Field
}

// encode returns l as one result line, values from c when c is set (else
// from l.Values), in the envelope's buffer: valid until the next call (a
// stream.Sink's Write copies what it keeps). Values JSON cannot
// encode (NaN, infinities, channels) are replaced by their text, so every
// result still gets its line.
func (e *envelope) encode(l resultLine, c *flow.Context) ([]byte, error) {
	e.trim()
	var err error
	if c != nil {
		e.buf, err = appendEnvelope(e.buf[:0], &l, e.values(c))
	} else {
		e.buf, err = appendEnvelope(e.buf[:0], &l, nil)
	}
	if err != nil && isEncodeError(err) {
		if c != nil {
			l.Values = e.valuesMap()
		}
		l.Values = encodable(l.Values).(map[string]any)
		e.buf, err = appendEnvelope(e.buf[:0], &l, nil)
	}
	if err != nil {
		return nil, err
	}
	return e.buf, nil
}

// encodeValues returns c's visible values (or m's, when c is nil) as one
// JSON object, with the same fallback as encode, in the same buffer.
func (e *envelope) encodeValues(c *flow.Context, m map[string]any) ([]byte, error) {
	e.trim()
	var err error
	if c != nil {
		e.buf, err = jsoncodec.AppendObject(e.buf[:0], e.values(c))
		if err != nil && isEncodeError(err) {
			m = e.valuesMap()
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

// values collects c's values, without the keys services keep for
// themselves (those starting with a NUL byte), into e.fields.
func (e *envelope) values(c *flow.Context) []jsoncodec.Field {
	if e.fields == nil {
		e.fields = make([]jsoncodec.Field, 0, 16) // not nil: no values is {}
	}
	e.fields = e.fields[:0]
	for k, v := range c.All() {
		if strings.HasPrefix(k, "\x00") {
			continue
		}
		e.fields = append(e.fields, jsoncodec.Field{Key: k, Value: v})
	}
	return e.fields
}

func (e *envelope) valuesMap() map[string]any {
	m := make(map[string]any, len(e.fields))
	for _, f := range e.fields {
		m[f.Key] = f.Value
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

// appendEnvelope appends l as encoding/json encodes a resultLine, with
// fields (sorted in place) as its values when not nil.
func appendEnvelope(dst []byte, l *resultLine, fields []jsoncodec.Field) ([]byte, error) {
	dst = append(dst, `{"id":`...)
	dst = strconv.AppendUint(dst, l.ID, 10)
	if l.Line != 0 {
		dst = append(dst, `,"line":`...)
		dst = strconv.AppendInt(dst, int64(l.Line), 10)
	}
	dst = append(dst, `,"status":`...)
	dst = jsoncodec.AppendString(dst, l.Status)
	dst = append(dst, `,"values":`...)
	var err error
	switch {
	case fields != nil:
		dst, err = jsoncodec.AppendObject(dst, fields)
	case l.Values == nil:
		dst = append(dst, "null"...)
	default:
		dst, err = jsoncodec.AppendValue(dst, l.Values)
	}
	if err != nil {
		return dst, err
	}
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
	return append(dst, '}'), nil
}
