package flowfile_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flowfile"
)

// allocated returns the bytes fn allocates (the tests of this package do
// not run in parallel, so the count is fn's).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const step = "steps:\n  - service: set\n    with: {values: {v: 1}}\n"

// TestLimits checks that each hostile shape is rejected, where it starts,
// while allocating in proportion to the file's size (the lexer's tokens,
// a few hundred bytes per byte at worst): before the parser builds a tree
// whose cost grows with the square of the attack.
func TestLimits(t *testing.T) {
	big := strings.Repeat("x", 64<<10) // one 64 KiB string
	var keys, deepBlock strings.Builder
	keys.WriteString("x-keys:\n")
	for i := range 20_000 {
		fmt.Fprintf(&keys, "  k%d: 1\n", i)
	}
	keys.WriteString(step)
	for i := range 100 {
		deepBlock.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	for name, tc := range map[string]struct {
		data string
		want string // in the first error, with its position
	}{
		"flow nesting": {"x-a: " + strings.Repeat("[", 40_000) + strings.Repeat("]", 40_000) + "\n" + step,
			"h.yaml:1:69: nested more than 64 levels deep"},
		"mapping nesting": {"x-a: " + strings.Repeat("{a: ", 40_000) + strings.Repeat("}", 40_000) + "\n" + step,
			"nested more than 64 levels deep"},
		"compact nesting": {"x-a: \n  " + strings.Repeat("- ", 40_000) + "x\n" + step,
			"nested more than 64 levels deep"},
		"keys on one line":  {"x-a: " + strings.Repeat("a: ", 40_000) + "x\n" + step, "nested more than 64 levels deep"},
		"indented nesting":  {"x-a:\n" + deepBlock.String() + step, "nested more than 64 levels deep"},
		"keys in a mapping": {keys.String(), "h.yaml:1002:3: more than 1000 keys in one mapping"},
		"items in a list":   {"x-a: [" + strings.Repeat("1, ", 40_000) + "1]\n" + step, "h.yaml:1:3005: more than 1000 items"},
		"file size":         {"x-a: " + strings.Repeat("x", flowfile.MaxFileSize) + "\n" + step, "h.yaml:1:1: the file is larger than 256 KiB"},
		"documents":         {strings.Repeat("a: 1\n---\n", 20_000) + step, "h.yaml:2:1: more than one YAML document"},
		"tags":              {"x-a: " + strings.Repeat("!t ", 20_000) + "x\n" + step, "more than a tag and an anchor on one value"},
		"NUL byte":          {"name: a\x00b\n" + step, "h.yaml:1:8: NUL byte"},
		"invalid UTF-8":     {"name: é\xffb\n" + step, "h.yaml:1:8: invalid UTF-8 (byte 0xff)"},
		"alias bytes": {"x-s: &s " + big + "\nx-a: &a [*s, *s, *s, *s, *s, *s, *s, *s]\nx-b: &b [*a, *a, *a, *a]\n" +
			"steps:\n  - service: set\n    with: {values: {v: *b}}\n", "values too large: more than 1 MiB"},
		"max_in_flight": {"max_in_flight: 8589934592\n" + step, "h.yaml:1:16: max_in_flight must be at most 100000, not 8589934592"},
		"max_restarts":  {"supervision: {max_restarts: 8589934592}\n" + step, "supervision.max_restarts must be at most 1000000"},
		"redeliveries":  {"supervision: {max_redeliveries: 8589934592}\n" + step, "supervision.max_redeliveries must be at most 1000"},
		"attempts":      {"retry: {attempts: 8589934592}\n" + step, "retry.attempts must be at most 1000"},
		"concurrency":   {"steps:\n  - service: set\n    concurrency: 8589934592\n    with: {values: {v: 1}}\n", "h.yaml:3:18: concurrency must be at most 1000"},
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = flowfile.Load("h.yaml", []byte(tc.data), nil) })
			if err == nil {
				t.Fatal("no error")
			}
			if first := flowfile.Errors(err)[0].Error(); !strings.Contains(first, tc.want) {
				t.Errorf("err = %v\nwant %q", first, tc.want)
			}
			if limit := uint64(400*len(tc.data)) + 16<<20; n > limit {
				t.Errorf("allocated %d MiB for a %d KiB file", n>>20, len(tc.data)>>10)
			}
		})
	}
}

// TestWithinLimits checks that files at the limits still load.
func TestWithinLimits(t *testing.T) {
	var keys strings.Builder
	keys.WriteString("x-keys:\n")
	for i := range flowfile.MaxEntries {
		fmt.Fprintf(&keys, "  k%d: 1\n", i)
	}
	for name, data := range map[string]string{
		"a byte order mark": "\uFEFF" + step,
		"a document header": "---\n" + step + "...\n",
		"1000 keys":         keys.String() + step,
		"1000 items":        "x-a: [" + strings.Repeat("1, ", flowfile.MaxEntries-1) + "1]\n" + step,
		"nesting 60 deep":   "x-a: " + strings.Repeat("[", 60) + strings.Repeat("]", 60) + "\n" + step,
		"brackets in text":  "x-a: '" + strings.Repeat("]", 100) + strings.Repeat("[", 100) + "'\nx-b: |\n  " + strings.Repeat("[", 100) + "\n" + step,
		"settings at most":  "max_in_flight: 100000\nretry: {attempts: 1000}\nsupervision: {max_restarts: 1000000, max_redeliveries: 1000}\n" + step,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := flowfile.Load("ok.yaml", []byte(data), nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLoadFileReadsAtMostTheLimit checks that LoadFile rejects a huge file
// without reading it whole.
func TestLoadFileReadsAtMostTheLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	fd, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := fd.Truncate(1 << 30); err != nil { // sparse: 1 GiB of NULs
		t.Fatal(err)
	}
	fd.Close()
	var lerr error
	n := allocated(func() { _, lerr = flowfile.LoadFile(path, nil) })
	if lerr == nil || !strings.Contains(lerr.Error(), "larger than 256 KiB") {
		t.Errorf("err = %v", lerr)
	}
	if n > 8<<20 {
		t.Errorf("allocated %d MiB to reject the file", n>>20)
	}
}
