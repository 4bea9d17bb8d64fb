package jsonl

import (
	"bytes"
	"errors"
	"io"
	"math"
	"reflect"
	"strconv"
	"sync"
	"testing"
)

func TestWriterRoundTrip(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := NewWriter(&out)
	in := []any{
		map[string]any{"html": "<a href=\"x\">&</a>", "n": 1, "f": 0.25, "l": []any{nil, true}},
		struct {
			Name string `json:"name"`
		}{"s"},
	}
	for _, v := range in {
		if err := w.Write(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	const want = `{"f":0.25,"html":"<a href=\"x\">&</a>","l":[null,true],"n":1}` + "\n" + `{"name":"s"}` + "\n"
	if out.String() != want {
		t.Fatalf("output =\n%s\nwant\n%s", out.String(), want)
	}
	r := NewReader(&out)
	rec, err := r.Next()
	if err != nil || !reflect.DeepEqual(rec.Values, in[0]) {
		t.Fatalf("read back %#v, %v", rec.Values, err)
	}
}

func TestWriterRejects(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := NewWriter(&out)
	for _, v := range []any{[]int{1}, "s", 1, nil, map[string]any(nil)} {
		if err := w.Write(v); !errors.Is(err, ErrNotObject) {
			t.Errorf("Write(%#v) error = %v, want ErrNotObject", v, err)
		}
	}
	if err := w.Write(map[string]any{"nan": math.NaN()}); err == nil {
		t.Error("Write(NaN) succeeded")
	}
	if err := w.Flush(); err != nil || out.Len() != 0 {
		t.Fatalf("rejected values wrote %q, %v", out.String(), err)
	}
}

func TestWriterConcurrent(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := NewWriter(&out)
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				// Lines longer than the bufio buffer would interleave if
				// Write were not atomic.
				if err := w.Write(map[string]any{"g": g, "i": i, "pad": string(make([]byte, 500))}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}

	r := NewReader(&out)
	seen := map[string]bool{}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		seen[strconv.Itoa(rec.Values["g"].(int))+"/"+strconv.Itoa(rec.Values["i"].(int))] = true
	}
	if len(seen) != writers*each {
		t.Fatalf("read %d distinct lines, want %d", len(seen), writers*each)
	}
}
