package jsonl

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// scanner is a flat, non-recursive pass over a line that measures nesting
// depth and finds duplicate or too many keys and the first number that does
// not fit in a float64, all in document order. It recognises strings and
// brackets exactly as JSON does, so on valid JSON its findings are exact; on
// invalid JSON the decoder reports the syntax error instead (except depth,
// which is checked first so the recursive decoder never sees deep input).
//
// It runs in time linear in the line: each object checks its first few keys
// by linear search and switches to a map once it has more.
type scanner struct {
	frames []frame // reused across lines
}

type frame struct {
	object  bool
	wantKey bool
	n       int // keys seen
	keys    [][]byte
	set     map[string]struct{}
}

// linearKeys is how many keys an object checks by linear search before
// switching to a map.
const linearKeys = 16

type scanResult struct {
	tooDeep     bool
	dupKey      []byte // first duplicate key, unescaped; nil if none
	tooManyKeys bool
	bigNumber   []byte // first number literal beyond float64's range; nil if none
}

func (s *scanner) scan(line []byte, c *config) scanResult {
	var res scanResult
	s.frames = s.frames[:0]
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			end := stringEnd(line, i+1)
			if top := s.top(); top != nil && top.wantKey {
				top.wantKey = false
				if res.dupKey == nil && !res.tooManyKeys {
					s.addKey(top, line[i+1:end], c, &res)
				}
			}
			i = end
		case '{', '[':
			if len(s.frames) >= c.maxDepth {
				res.tooDeep = true
				return res
			}
			s.push(line[i] == '{')
		case '}', ']':
			if len(s.frames) > 0 {
				s.frames = s.frames[:len(s.frames)-1]
			}
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			end := i + 1
			for end < len(line) && isNumberByte(line[end]) {
				end++
			}
			if res.bigNumber == nil && outOfRange(line[i:end]) {
				res.bigNumber = line[i:end]
			}
			i = end - 1
		case ',':
			if top := s.top(); top != nil && top.object {
				top.wantKey = true
			}
		}
	}
	return res
}

func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// outOfRange reports whether a number literal overflows float64. Only
// literals with an exponent or more than 308 digits can.
func outOfRange(lit []byte) bool {
	if len(lit) <= 308 && bytes.IndexAny(lit, "eE") < 0 {
		return false
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	return err != nil && math.IsInf(f, 0)
}

// stringEnd returns the index of the quote that closes the string whose
// contents start at i, or len(line) if it is not closed.
func stringEnd(line []byte, i int) int {
	for {
		q := bytes.IndexByte(line[i:], '"')
		if q < 0 {
			return len(line)
		}
		q += i
		bs := 0
		for j := q - 1; j >= i && line[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			return q
		}
		i = q + 1
	}
}

func (s *scanner) top() *frame {
	if len(s.frames) == 0 {
		return nil
	}
	return &s.frames[len(s.frames)-1]
}

func (s *scanner) push(object bool) {
	if len(s.frames) < cap(s.frames) {
		s.frames = s.frames[:len(s.frames)+1]
		f := &s.frames[len(s.frames)-1]
		*f = frame{object: object, wantKey: object, keys: f.keys[:0]}
		return
	}
	s.frames = append(s.frames, frame{object: object, wantKey: object})
}

func (s *scanner) addKey(f *frame, raw []byte, c *config, res *scanResult) {
	key := raw
	if bytes.IndexByte(raw, '\\') >= 0 {
		// Unescape exactly as encoding/json does, so "a" and "\u0061" are
		// the same key. Malformed escapes fail the decode later anyway.
		var k string
		quoted := make([]byte, 0, len(raw)+2)
		quoted = append(append(append(quoted, '"'), raw...), '"')
		if err := json.Unmarshal(quoted, &k); err == nil {
			key = []byte(k)
		}
	}
	f.n++
	if c.maxKeys > 0 && f.n > c.maxKeys {
		res.tooManyKeys = true
		return
	}
	if f.set != nil {
		if _, dup := f.set[string(key)]; dup {
			res.dupKey = key
			return
		}
		f.set[string(key)] = struct{}{}
		return
	}
	for _, k := range f.keys {
		if bytes.Equal(k, key) {
			res.dupKey = key
			return
		}
	}
	f.keys = append(f.keys, key)
	if len(f.keys) > linearKeys {
		f.set = make(map[string]struct{}, 2*len(f.keys))
		for _, k := range f.keys {
			f.set[string(k)] = struct{}{}
		}
	}
}
