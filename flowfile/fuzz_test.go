package flowfile_test

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/registry"
)

// FuzzLoad checks that Load never panics and that every error it returns
// carries a position in the file.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"good", "bad"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err == nil {
				f.Add(data)
			}
		}
	}
	// Hostile shapes, small enough for the fuzzer to mutate.
	for _, s := range []string{
		"x-a: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n" + fuzzStep,
		"x-a: " + strings.Repeat("{a: ", 70) + strings.Repeat("}", 70) + "\n" + fuzzStep,
		"x-a:\n  " + strings.Repeat("- ", 70) + "x\n" + fuzzStep,
		"x-a: " + strings.Repeat("a: ", 70) + "x\n" + fuzzStep,
		"x-s: &s abcdefgh\nx-a: &a [*s, *s, *s, *s]\nx-b: &b [*a, *a, *a, *a]\n" + fuzzStep,
		"name: a\x00b\n" + fuzzStep,
		"name: \xff\n" + fuzzStep,
		"\uFEFF" + fuzzStep,
		"max_in_flight: 8589934592\nsupervision: {max_restarts: 8589934592}\n" + fuzzStep,
		"x-a: 'it''s [[[' \nx-b: |\n  ]]] {{{\n" + fuzzStep,
		"in: orders.jsonl\nout: '-'\ndead_letters: kafka://h:1/dead\ncheckpoint: c\nout_format: values\n" + fuzzStep,
		"in: kafka://u:p@h:1/t?group=g\nout: nats://h:1/S?subject=s\n" + fuzzStep,
		"in: http://127.0.0.1:1/x?wait=1s\nout: \"a\\tb\"\ncheckpoint: '-'\n" + fuzzStep,
	} {
		f.Add([]byte(s))
	}
	reg := registry.Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := flowfile.Load("fuzz.yaml", data, reg)
		if err == nil && (!utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0) {
			t.Fatal("loaded a file with invalid UTF-8 or a NUL byte")
		}
		if err == nil && file.MaxInFlight > flowfile.InFlightLimit {
			t.Fatalf("max_in_flight %d loaded", file.MaxInFlight)
		}
		if err == nil {
			if file == nil || file.Flow == nil {
				t.Fatal("no error and no flow")
			}
			checkStreams(t, file.Streams)
			err = file.Validate() // must not panic either
			if err == nil {
				return
			}
		}
		for _, e := range flowfile.Errors(err) {
			var fe *flowfile.Error
			if !errors.As(e, &fe) {
				t.Fatalf("error without a position: %T %v", e, e)
			}
			if fe.Line < 1 || fe.Col < 1 || fe.File != "fuzz.yaml" || fe.Line > lines(data) {
				t.Fatalf("bad position in %v", fe)
			}
		}
	})
}

// checkStreams fails t for a stream field Load should have refused.
func checkStreams(t *testing.T, s flowfile.Streams) {
	t.Helper()
	for _, v := range []string{s.In, s.Out, s.DeadLetters, s.Checkpoint} {
		if len(v) > flowfile.MaxAddressSize || strings.ContainsFunc(v, unicode.IsControl) {
			t.Fatalf("stream %q loaded", v)
		}
		if u, err := url.Parse(v); strings.Contains(v, "://") && (err != nil || u.User != nil) {
			t.Fatalf("stream URL %q loaded (%v)", v, err)
		}
	}
	if s.Checkpoint != "" && (s.In == "" || strings.Contains(s.In, "://")) {
		t.Fatalf("checkpoint %q loaded with in %q", s.Checkpoint, s.In)
	}
}

const fuzzStep = "steps:\n  - service: set\n    with: {values: {v: 1}}\n"

// lines counts the lines of data as YAML does: \n, \r\n and a lone \r
// each end one.
func lines(data []byte) int {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
}

// FuzzLoadCost looks for shapes that slip past the checks made before the
// YAML parser runs: a unit repeated many times (the parser's cost grows
// with the square of nesting and of entries) must be rejected or loaded
// while allocating in proportion to the file.
func FuzzLoadCost(f *testing.F) {
	for _, unit := range []string{"[", "{a: ", "- ", "a: ", "? ", "- a: ", "[{", "&a [", "!!seq [", "- - ", "a:\n  "} {
		f.Add("x-a: ", unit, uint16(20_000))
	}
	f.Add("x-a:\n", "  k: 1\n", uint16(20_000))
	f.Add("", "a: 1\n---\n", uint16(20_000))
	f.Add("00: ", "\" ", uint16(20_000))
	f.Fuzz(func(t *testing.T, prefix, unit string, n uint16) {
		if len(unit) == 0 || len(prefix) > 64 || len(unit) > 16 {
			return
		}
		data := []byte(prefix + strings.Repeat(unit, int(n)) + "\n" + fuzzStep)
		if len(data) > flowfile.MaxFileSize {
			return
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = flowfile.Load("cost.yaml", data, nil)
		runtime.ReadMemStats(&after)
		if used := after.TotalAlloc - before.TotalAlloc; used > uint64(400*len(data))+16<<20 {
			t.Fatalf("%d MiB allocated for %d bytes: %q × %d", used>>20, len(data), unit, n)
		}
	})
}
