package flow

import (
	"testing"
	"unsafe"
)

// TestContextSizeClasses checks that a small input's context and values
// fit the allocation size classes NewContext's doc comments promise (the
// runtime rounds an allocation up to the next class: 384 and 512 bytes).
func TestContextSizeClasses(t *testing.T) {
	if s := unsafe.Sizeof(tinyContext{}); s > 384 {
		t.Errorf("tinyContext is %d bytes, more than the 384-byte class", s)
	}
	if s := unsafe.Sizeof(smallContext{}); s > 512 {
		t.Errorf("smallContext is %d bytes, more than the 512-byte class", s)
	}
	for n := range smallInputs + 1 {
		in := make(map[string]any, n)
		for i := range n {
			in[string(rune('a'+i))] = i
		}
		c := NewContext(in)
		room := 2*tinyInputs + 4 - 2*n // [original n][current n + room]
		if n > tinyInputs {
			room = 2*smallInputs + 4 - 2*n
		}
		if got := cap(c.vals) - len(c.vals); got != room {
			t.Errorf("a context of %d keys has room for %d more without allocating, want %d", n, got, room)
		}
	}
}
