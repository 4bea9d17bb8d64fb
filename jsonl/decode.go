package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/serviceflow/serviceflow/internal/jsonnum"
)

// Decode decodes a single line, without its terminator, by the same rules as
// [Reader.Next]. On failure it returns a [*LineError] whose Line is 0.
//
// Unlike a Reader, Decode does not strip a byte order mark, and it rejects
// an empty or whitespace-only line with [ErrSyntax] rather than skipping it.
// It is safe for concurrent use.
func Decode(line []byte, opts ...Option) (map[string]any, error) {
	c := newConfig(opts)
	d := decoders.Get().(*decoder)
	defer decoders.Put(d)
	m, p := d.decodeLine(line, &c)
	if p != nil {
		return nil, p.lineError(0, line)
	}
	return m, nil
}

// decoders keeps the decoders of Decode, with their key caches.
var decoders = sync.Pool{New: func() any { return new(decoder) }}

// A decoder decodes lines one after the other: the one-pass parser for the
// lines that have no problem, the scanner and encoding/json for the others.
type decoder struct {
	fast parser
	scan scanner
}

// decodeLine applies the checks in a fixed order: size, encoding, depth (all
// before a decoder sees the line), syntax, trailing data, type, keys,
// number ranges and finally the caller's Check. The parser passes a line
// only when none of them but Check fails, so a line it rejects takes the
// slow path, which makes them in that order and tells which one failed.
func (d *decoder) decodeLine(line []byte, c *config) (map[string]any, *problem) {
	if len(line) > c.maxLineSize {
		return nil, tooLong(c)
	}
	m, ok := d.fast.parse(line, c)
	if !ok {
		var p *problem
		if m, p = d.slow(line, c); p != nil {
			return nil, p
		}
	}
	if c.check != nil {
		if err := c.check(m); err != nil {
			return nil, &problem{kind: ErrInvalidInput, detail: err}
		}
	}
	return m, nil
}

// slow decodes a line the parser did not accept, with the flat scan for
// depth, keys and number ranges and encoding/json for the syntax, after
// the encoding check, and returns its first problem in the order of
// decodeLine. (A line the parser
// rejects always has one: FuzzOnePass checks that.)
func (d *decoder) slow(line []byte, c *config) (map[string]any, *problem) {
	if i := invalidUTF8(line); i >= 0 {
		return nil, &problem{kind: ErrInvalidUTF8, detail: fmt.Errorf("at offset %d", i)}
	}
	res := d.scan.scan(line, c)
	if res.tooDeep {
		return nil, &problem{kind: ErrTooDeep, detail: fmt.Errorf("more than %d levels", c.maxDepth)}
	}
	v, p := decodeStd(line)
	if p != nil {
		return nil, p
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &problem{kind: ErrNotObject, detail: fmt.Errorf("got %s", kindOf(v))}
	}
	if res.dupKey != nil {
		return nil, &problem{kind: ErrDuplicateKey, detail: errors.New(preview(res.dupKey))}
	}
	if res.tooManyKeys {
		return nil, &problem{kind: ErrTooManyKeys, detail: fmt.Errorf("more than %d in one object", c.maxKeys)}
	}
	if res.bigNumber != nil {
		return nil, &problem{kind: ErrNumberRange, detail: errors.New(preview(res.bigNumber))}
	}
	if err := normaliseMap(m); err != nil { // not expected after the scan
		return nil, &problem{kind: ErrNumberRange, detail: err}
	}
	return m, nil
}

// decodeStd decodes line with encoding/json, numbers as json.Number.
func decodeStd(line []byte) (any, *problem) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			err = errUnexpectedEnd
		}
		return nil, &problem{kind: ErrSyntax, detail: err}
	}
	end := int(dec.InputOffset())
	if rest := bytes.TrimLeft(line[end:], jsonSpace); len(rest) > 0 {
		return nil, &problem{kind: ErrTrailingData, detail: fmt.Errorf("at offset %d", len(line)-len(rest))}
	}
	return v, nil
}

const jsonSpace = " \t\r\n"

func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// invalidUTF8 returns the offset of the first NUL byte or invalid UTF-8
// sequence in line, or -1.
func invalidUTF8(line []byte) int {
	if utf8.Valid(line) && bytes.IndexByte(line, 0) < 0 {
		return -1
	}
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if r == 0 || (r == utf8.RuneError && size == 1) {
			return i
		}
		i += size
	}
	return -1
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

// normaliseMap replaces every json.Number below m, in place, by an int or a
// float64. Its recursion is bounded by the depth limit checked earlier.
func normaliseMap(m map[string]any) error {
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			x, err := number(string(n))
			if err != nil {
				return err
			}
			m[k] = x
		} else if err := normaliseContainer(v); err != nil {
			return err
		}
	}
	return nil
}

func normaliseSlice(s []any) error {
	for i, v := range s {
		if n, ok := v.(json.Number); ok {
			x, err := number(string(n))
			if err != nil {
				return err
			}
			s[i] = x
		} else if err := normaliseContainer(v); err != nil {
			return err
		}
	}
	return nil
}

func normaliseContainer(v any) error {
	switch x := v.(type) {
	case map[string]any:
		return normaliseMap(x)
	case []any:
		return normaliseSlice(x)
	}
	return nil
}

// number converts a JSON number literal by the project's one rule
// (package internal/jsonnum): integers that fit in an int become int,
// exactly; everything else float64. Values beyond float64's range are an
// error (the scan reports them first); values that underflow become 0.
func number(s string) (any, error) {
	v, err := jsonnum.Parse(s)
	if err != nil {
		return nil, errors.New(preview([]byte(s)))
	}
	return v, nil
}

func tooLong(c *config) *problem {
	return &problem{kind: ErrTooLong, detail: fmt.Errorf("more than %d bytes", c.maxLineSize)}
}
