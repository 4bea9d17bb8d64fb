package flow

import (
	"encoding/json"
	"iter"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/serviceflow/serviceflow/internal/engine"
)

// Context carries one input through a flow: its ID, the attempt number and
// the values services read and write. It remembers the values it was created
// with, so a Retry can start again from them.
//
// A Context belongs to one stage at a time and is not safe for concurrent use;
// services must not keep it after Call returns.
type Context struct {
	id   uint64
	vals []entry // current values, in insertion order
	orig []entry // values as admitted; shares vals' allocation when it can

	cur engine.Cursor // where the executing program has this context, and its attempt
}

type entry struct {
	key string
	val any
}

var lastID atomic.Uint64

// smallContext is a Context and its values in one allocation, for inputs of
// up to smallInputs keys: room for the original values, the current ones,
// and a few more keys set on the way (512 bytes). tinyContext is the same
// for inputs of up to tinyInputs keys, the most common in streams (one key
// and six more, or two and four more, in 384 bytes): a quarter less to
// allocate and collect per input.
type (
	smallContext struct {
		c   Context
		buf [2*smallInputs + 4]entry
	}
	tinyContext struct {
		c   Context
		buf [2*tinyInputs + 4]entry
	}
)

const (
	smallInputs = 4
	tinyInputs  = 2
)

// NewContext returns a context holding a copy of input, with a new
// process-unique ID and attempt 1. The input map is not retained.
func NewContext(input map[string]any) *Context {
	n := len(input)
	var c *Context
	var buf []entry
	switch {
	case n <= tinyInputs:
		tc := &tinyContext{}
		c, buf = &tc.c, tc.buf[:]
	case n <= smallInputs:
		sc := &smallContext{}
		c, buf = &sc.c, sc.buf[:]
	default:
		c, buf = &Context{}, make([]entry, 2*n+4)
	}
	// buf holds [original n][current n + room]: retries restore from the first.
	orig := buf[:0:n]
	for k, v := range input {
		orig = append(orig, entry{k, v})
	}
	if n > 1 {
		slices.SortFunc(orig, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	}
	c.id = lastID.Add(1)
	c.cur.SetAttempt(1)
	c.orig, c.vals = orig, append(buf[n:n], orig...)
	return c
}

// ID identifies the input, unique within the process.
func (c *Context) ID() uint64 { return c.id }

// Attempt is 1 on the first attempt and grows by one with each Retry.
func (c *Context) Attempt() int { return c.cur.Attempt() }

func (c *Context) find(key string) int {
	for i := range c.vals {
		if c.vals[i].key == key {
			return i
		}
	}
	return -1
}

// Get returns the value of key and whether it is set.
func (c *Context) Get(key string) (any, bool) {
	if i := c.find(key); i >= 0 {
		return c.vals[i].val, true
	}
	return nil, false
}

// Set sets key to v, adding the key if it is new.
func (c *Context) Set(key string, v any) {
	if i := c.find(key); i >= 0 {
		c.vals[i].val = v
		return
	}
	c.vals = append(c.vals, entry{key, v})
}

// Delete removes key, if set.
func (c *Context) Delete(key string) {
	if i := c.find(key); i >= 0 {
		c.vals = slices.Delete(c.vals, i, i+1)
	}
}

// All returns an iterator over the keys set and their values, in the order
// the keys were first set (the input's keys first, sorted). The context must
// not be changed while the iteration runs. maps.Collect(c.All()) is a map of
// the values.
func (c *Context) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, e := range c.vals {
			if !yield(e.key, e.val) {
				return
			}
		}
	}
}

// Input returns a new map of the values the context was created with: the
// original input, as a retry or a replay would see it.
func (c *Context) Input() map[string]any { return toMap(c.orig) }

func toMap(es []entry) map[string]any {
	m := make(map[string]any, len(es))
	for _, e := range es {
		m[e.key] = e.val
	}
	return m
}

// original returns a new context with the same ID, attempt 1 and the values
// this one was created with. It reads only what never changes after
// creation, so it is safe to call while another goroutine owns c: a runtime
// uses it to report an input it must abandon.
func (c *Context) original() *Context {
	o := NewContext(nil)
	o.id = c.id
	o.vals = append(o.vals, c.orig...)
	o.orig = append([]entry(nil), c.orig...)
	return o
}

// clone is a copy of c, values and cursor, with its ID: what a runtime goes
// on with when a call that holds c is abandoned past its Timeout.
// It takes no new ID, and shares only the original values, which never
// change after creation.
func (c *Context) clone() *Context {
	return &Context{
		id:   c.id,
		vals: append(make([]entry, 0, len(c.vals)+4), c.vals...),
		orig: c.orig[:len(c.orig):len(c.orig)],
		cur:  c.cur.Clone(),
	}
}

// restore puts the original values back, for another attempt.
func (c *Context) restore() {
	clear(c.vals)
	c.vals = append(c.vals[:0], c.orig...)
}

// MarshalJSON encodes the current values as one JSON object, keys sorted.
func (c *Context) MarshalJSON() ([]byte, error) { return json.Marshal(toMap(c.vals)) }

// Value returns the value of key converted to T, with an error naming the key,
// the wanted and the found type when it is missing or cannot be converted.
// Conversions are those a JSON decoder would make: integral numbers to any
// integer type, numbers to floats, objects to structs and maps, arrays to
// slices. The error matches ErrMissingKey or ErrWrongType.
func Value[T any](c *Context, key string) (T, error) {
	var zero T
	v, ok := c.Get(key)
	if !ok {
		return zero, missingKey(key, typeName(reflect.TypeFor[T]()))
	}
	if t, ok := v.(T); ok {
		return t, nil
	}
	var t T
	if err := assign(reflect.ValueOf(&t).Elem(), key, v); err != nil {
		return zero, err
	}
	return t, nil
}
