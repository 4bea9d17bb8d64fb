package jsonl

import (
	"unicode/utf8"

	"github.com/serviceflow/serviceflow/internal/jsonnum"
)

// parser decodes a line in one pass, building its values as it validates
// them: objects map[string]any, arrays []any, numbers by the rule of
// package internal/jsonnum, strings, booleans and nil, exactly what
// encoding/json with UseNumber and that rule would give.
//
// It accepts only a line that decodes without any problem: a JSON object,
// nothing after it but spaces, no object or array nested deeper than the
// limit, no duplicate key, no object with too many keys, no number beyond
// float64's range. On anything else it gives up (ok false) without saying
// why: the caller then takes the slow path (scanner and encoding/json),
// which finds the first problem in the documented order and explains it. So
// a valid line is read once, and a bad one keeps its exact error.
//
// It also accepts only valid UTF-8 without NUL bytes: a line it accepts
// needs no separate encoding check. A parser is reused line after line and
// is not safe for concurrent use.
type parser struct {
	data     []byte
	i        int // next byte of data to read
	depth    int // objects and arrays open
	maxDepth int
	maxKeys  int // 0: no limit

	text string // data as a string, made at the first string value; values are its substrings

	members []member // the open objects' members so far, innermost last
	elems   []any    // the open arrays' elements so far, innermost last
	buf     []byte   // an unescaped string
	keys    keyCache
	strs    []any // the string values of the line before, by the place of their key (nil: not a string)
}

type member struct {
	key string
	val any
}

// maxSharedValue is the longest string value a parser remembers for the
// next line: what repeats is short, and the parser keeps at most
// maxKeyOrder of them (each may hold a line of up to shareTextMax bytes).
const maxSharedValue = 64

// shareTextMax is the longest line whose string values share one copy of
// the line (one allocation for all of them); a longer line's strings are
// copied one by one, so a short value never keeps a long line alive.
const shareTextMax = 1024

// parse decodes line, which must be a JSON object.
func (p *parser) parse(line []byte, c *config) (map[string]any, bool) {
	p.data, p.i, p.depth, p.text = line, 0, 0, ""
	p.maxDepth, p.maxKeys = c.maxDepth, c.maxKeys
	p.members, p.elems = p.members[:0], p.elems[:0]
	p.keys.newLine()
	defer func() { p.data, p.text = nil, "" }()

	p.skipSpace()
	if p.i >= len(p.data) || p.data[p.i] != '{' {
		return nil, false
	}
	m, ok := p.object()
	if !ok {
		return nil, false
	}
	p.skipSpace()
	return m, p.i == len(p.data)
}

func (p *parser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

// value reads a value; at is the place of its key in the line (see
// keyCache), or -1 for an array element.
func (p *parser) value(at int) (any, bool) {
	if p.i >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.i]; c {
	case '"':
		return p.stringValue(at)
	case '{':
		m, ok := p.object()
		return m, ok
	case '[':
		return p.array()
	case 't':
		return true, p.literal("true")
	case 'f':
		return false, p.literal("false")
	case 'n':
		return nil, p.literal("null")
	default:
		if c == '-' || isDigit(c) {
			return p.number()
		}
	}
	return nil, false
}

func (p *parser) literal(lit string) bool {
	if len(p.data)-p.i < len(lit) || string(p.data[p.i:p.i+len(lit)]) != lit {
		return false
	}
	p.i += len(lit)
	return true
}

// object reads an object, p.i at its '{'.
func (p *parser) object() (map[string]any, bool) {
	if p.depth >= p.maxDepth {
		return nil, false
	}
	p.depth++
	p.i++
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		p.depth--
		return map[string]any{}, true
	}
	base := len(p.members)
	for {
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, false
		}
		key, ok := p.key()
		if !ok {
			return nil, false
		}
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.skipSpace()
		v, ok := p.value(p.keys.at - 1)
		if !ok {
			return nil, false
		}
		p.members = append(p.members, member{key, v})
		if p.maxKeys > 0 && len(p.members)-base > p.maxKeys {
			return nil, false
		}
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, false
		}
		if p.data[p.i] == '}' {
			p.i++
			break
		}
		if p.data[p.i] != ',' {
			return nil, false
		}
		p.i++
	}
	ms := p.members[base:]
	m := make(map[string]any, len(ms))
	for _, e := range ms {
		m[e.key] = e.val
	}
	if len(m) != len(ms) {
		return nil, false // a duplicate key
	}
	clear(ms)
	p.members = p.members[:base]
	p.depth--
	return m, true
}

// array reads an array, p.i at its '['.
func (p *parser) array() (any, bool) {
	if p.depth >= p.maxDepth {
		return nil, false
	}
	p.depth++
	p.i++
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		p.depth--
		return make([]any, 0), true
	}
	base := len(p.elems)
	for {
		p.skipSpace()
		v, ok := p.value(-1)
		if !ok {
			return nil, false
		}
		p.elems = append(p.elems, v)
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, false
		}
		if p.data[p.i] == ']' {
			p.i++
			break
		}
		if p.data[p.i] != ',' {
			return nil, false
		}
		p.i++
	}
	es := p.elems[base:]
	s := make([]any, len(es))
	copy(s, es)
	clear(es)
	p.elems = p.elems[:base]
	p.depth--
	return s, true
}

// number reads a number literal by JSON's grammar, p.i at its first byte.
func (p *parser) number() (any, bool) {
	d, start := p.data, p.i
	i := start
	if d[i] == '-' {
		i++
	}
	digits := i
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		return nil, false
	}
	whole := i - digits // digits before any fraction or exponent
	simple := true
	if i < len(d) && d[i] == '.' {
		simple = false
		if i = p.digits(i + 1); i < 0 {
			return nil, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		simple = false
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i = p.digits(i); i < 0 {
			return nil, false
		}
	}
	p.i = i
	if simple && whole <= 18 {
		// The common case: an integer that fits in an int64 without a check.
		v := 0
		for _, c := range d[digits:i] {
			v = v*10 + int(c-'0')
		}
		if digits > start {
			v = -v
		}
		return v, true
	}
	v, err := jsonnum.Parse(string(d[start:i]))
	return v, err == nil
}

// digits returns the index after the run of digits at i, or -1 if there is
// none.
func (p *parser) digits(i int) int {
	start := i
	for i < len(p.data) && isDigit(p.data[i]) {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// str reads a string, p.i at its opening quote, and returns its contents
// between the quotes, still escaped, and whether it has an escape. They
// must be valid UTF-8 (the only place a line may have bytes beyond ASCII)
// without control characters, NUL included.
func (p *parser) str() (raw []byte, escaped, ok bool) {
	d := p.data
	start := p.i + 1
	ascii := true
	for i := start; i < len(d); i++ {
		switch c := d[i]; {
		case c == '"':
			p.i = i + 1
			raw = d[start:i]
			return raw, escaped, ascii || utf8.Valid(raw)
		case c == '\\':
			escaped = true
			i++ // the escaped byte is checked by unescape
		case c < 0x20:
			return nil, false, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false, false
}

func (p *parser) key() (string, bool) {
	raw, escaped, ok := p.str()
	if !ok {
		return "", false
	}
	if escaped {
		if p.buf, ok = unescape(p.buf[:0], raw); !ok {
			return "", false
		}
		raw = p.buf
	}
	return p.keys.intern(raw), true
}

// stringValue reads a string value; at is the place of its key in the
// line, or -1. A string under the key at the same place in the line before
// that has the same contents is that line's value again: strings are
// immutable, so lines share it, and a short value that repeats line after
// line (a level, a service name) costs no allocation.
func (p *parser) stringValue(at int) (any, bool) {
	open := p.i
	raw, escaped, ok := p.str()
	if !ok {
		return nil, false
	}
	if escaped {
		if p.buf, ok = unescape(p.buf[:0], raw); !ok {
			return nil, false
		}
		raw = p.buf
	}
	if at >= 0 && at < len(p.strs) {
		if s, ok := p.strs[at].(string); ok && s == string(raw) {
			return p.strs[at], true
		}
	}
	var v any
	switch {
	case len(raw) == 0:
		return "", true
	case escaped || len(p.data) > shareTextMax:
		v = string(raw)
	default:
		if p.text == "" {
			p.text = string(p.data)
		}
		v = p.text[open+1 : open+1+len(raw)]
	}
	switch {
	case at < 0 || at >= maxKeyOrder || len(raw) > maxSharedValue:
	case at < len(p.strs):
		p.strs[at] = v
	default:
		for len(p.strs) < at {
			p.strs = append(p.strs, nil)
		}
		p.strs = append(p.strs, v)
	}
	return v, true
}
