package jsonl

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// The values of a line must not change with the buffer it was read into,
// which a Reader reuses: strings are copied, whether they share one copy of
// a short line, are unescaped, or come from a long line.
func TestDecodeCopiesStrings(t *testing.T) {
	long := strings.Repeat("x", shareTextMax)
	for _, line := range []string{
		`{"k":"value","l":["x"],"m":{"n":"y"}}`,
		`{"k":"val\u0075e","l":["\u0078"],"m":{"n":"\u0079"}}`,
		`{"k":"value","l":["x"],"m":{"n":"y"},"pad":"` + long + `"}`,
	} {
		buf := []byte(line)
		m, err := Decode(buf)
		if err != nil {
			t.Fatal(err)
		}
		for i := range buf {
			buf[i] = 'z'
		}
		if m["k"] != "value" || m["l"].([]any)[0] != "x" || m["m"].(map[string]any)["n"] != "y" {
			t.Fatalf("the values changed with the buffer: %v", m)
		}
		if _, ok := m["k"]; !ok {
			t.Fatalf("the keys changed with the buffer: %v", m)
		}
	}
}

func TestKeyCacheInternsAndStaysBounded(t *testing.T) {
	var k keyCache
	a, b := k.intern([]byte("level")), k.intern([]byte("level"))
	if a != "level" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Fatalf("intern gave %q and %q, not one string", a, b)
	}
	key := []byte("level")
	if n := testing.AllocsPerRun(100, func() { k.intern(key) }); n != 0 {
		t.Fatalf("a cached key costs %v allocations", n)
	}
	for i := range 3 * maxCachedKeys {
		if s := k.intern(fmt.Appendf(nil, "key%d", i)); s != fmt.Sprintf("key%d", i) {
			t.Fatalf("intern(key%d) = %q", i, s)
		}
		if len(k.m) > maxCachedKeys {
			t.Fatalf("the cache holds %d keys", len(k.m))
		}
	}
	if len(k.order) > maxKeyOrder {
		t.Fatalf("the cache remembers the order of %d keys", len(k.order))
	}
	// Keys in the order of the line before, and then in another order.
	for _, line := range [][]string{{"a", "b", "c"}, {"a", "b", "c"}, {"c", "a", "b"}, {"a", "c"}} {
		k.newLine()
		for _, key := range line {
			if s := k.intern([]byte(key)); s != key {
				t.Fatalf("intern(%q) = %q", key, s)
			}
		}
	}
	k.newLine()
	if n := testing.AllocsPerRun(100, func() { k.newLine(); k.intern([]byte("a")); k.intern([]byte("c")) }); n != 0 {
		t.Fatalf("keys in the last line's order cost %v allocations", n)
	}
	longKey := strings.Repeat("k", maxCachedKeyLen+1)
	if s := k.intern([]byte(longKey)); s != longKey {
		t.Fatalf("intern(long key) = %q", s)
	}
	if _, ok := k.m[longKey]; ok {
		t.Fatal("a key longer than maxCachedKeyLen was cached")
	}
}

// TestLinesShareOnlyEqualValues: a Reader reuses the string values of the
// line before where they are equal; every line still decodes to what it
// says, whatever the line before held at the same place.
func TestLinesShareOnlyEqualValues(t *testing.T) {
	lines := []string{
		`{"a":"x","b":"y","c":{"d":"z"}}`,
		`{"a":"x","b":"y","c":{"d":"z"}}`,
		`{"a":"y","b":"x","c":{"d":"\u007a"}}`,
		`{"b":"x","a":"y","c":{"d":1}}`,
		`{"a":"","b":["x","y"],"c":{"d":"z"}}`,
		`{"a":"x\"","b":"y","c":"z"}`,
	}
	r := NewReader(strings.NewReader(strings.Join(lines, "\n")))
	for i, line := range lines {
		rec, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		want, err := Decode([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rec.Values, want) {
			t.Fatalf("line %d: %v, want %v", i+1, rec.Values, want)
		}
	}
}
