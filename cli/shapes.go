package cli

import (
	"slices"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/jsoncodec"
)

// shapes writes a context's visible values as one JSON object, its keys
// sorted as encoding/json sorts a map's, without sorting or escaping the
// keys per result: it remembers the key sets of recent contexts (a
// stream's results mostly share one, or a few: a fork's branches), each
// with its keys' order and their encoded `"key":`. Its buffers are reused;
// the zero value is ready, not safe for concurrent use.
type shapes struct {
	cache [4]*shape
	last  int // the entry that matched last: tried first
	next  int // the entry replaced next

	vals []byte   // the values of the context being written, in its order
	ends []int    // where each of them ends in vals
	keys []string // the context's visible keys, when the last shape did not match
}

// A shape is one key set: keys in a context's order, and the object's
// order of them with each key encoded.
type shape struct {
	keys  []string
	order []int  // indices into keys, in the object's (sorted) order
	names []byte // `"key":` of each key in the object's order, one after the other
	ends  []int  // where each name ends in names
}

// appendObject appends c's visible values (those whose key does not start
// with a NUL byte) as jsoncodec.AppendObject would, failing as it fails.
func (sh *shapes) appendObject(dst []byte, c *flow.Context) ([]byte, error) {
	s := sh.cache[sh.last]
	match := s != nil
	if cap(sh.vals) > maxKeptBuffer {
		sh.vals = nil // one huge value grew it
	}
	sh.vals, sh.ends = sh.vals[:0], sh.ends[:0]
	n := 0
	for k, v := range c.All() {
		if strings.HasPrefix(k, "\x00") {
			continue
		}
		if match && (n == len(s.keys) || s.keys[n] != k) {
			match = false
		}
		n++
		var err error
		if sh.vals, err = jsoncodec.AppendValue(sh.vals, v); err != nil {
			return dst, err
		}
		sh.ends = append(sh.ends, len(sh.vals))
	}
	if !match || n != len(s.keys) {
		s = sh.find(c)
	}
	dst = append(dst, '{')
	name := 0
	for j, i := range s.order {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, s.names[name:s.ends[j]]...)
		name = s.ends[j]
		val := 0
		if i > 0 {
			val = sh.ends[i-1]
		}
		dst = append(dst, sh.vals[val:sh.ends[i]]...)
	}
	return append(dst, '}'), nil
}

// find returns the shape of c's visible keys, made (in place of the
// oldest) if none in the cache has them.
func (sh *shapes) find(c *flow.Context) *shape {
	sh.keys = sh.keys[:0]
	for k := range c.All() {
		if !strings.HasPrefix(k, "\x00") {
			sh.keys = append(sh.keys, k)
		}
	}
	for i, s := range sh.cache {
		if s != nil && slices.Equal(s.keys, sh.keys) {
			sh.last = i
			return s
		}
	}
	s := sh.cache[sh.next]
	if s == nil {
		s = &shape{}
		sh.cache[sh.next] = s
	}
	s.build(sh.keys)
	sh.last, sh.next = sh.next, (sh.next+1)%len(sh.cache)
	return s
}

// build makes s the shape of keys, reusing its buffers.
func (s *shape) build(keys []string) {
	s.keys = append(s.keys[:0], keys...)
	s.order = s.order[:0]
	for i := range keys {
		s.order = append(s.order, i)
	}
	slices.SortFunc(s.order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	s.names, s.ends = s.names[:0], s.ends[:0]
	for _, i := range s.order {
		s.names = append(jsoncodec.AppendString(s.names, keys[i]), ':')
		s.ends = append(s.ends, len(s.names))
	}
}
