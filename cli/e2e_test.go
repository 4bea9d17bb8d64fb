package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/jsonl"
)

// badLines are malformed lines of every kind the reader rejects.
var badLines = []string{
	`{"id": 1, "kind": "book"`, // truncated
	`{id: 1}`,                  // invalid JSON
	"\xef\xbb\xbf{\"id\": 1}",  // a BOM not at the start of the stream
	"{\"kind\": \"b\xffk\"}",   // invalid UTF-8
	"{\"kind\": \"bo\x00ok\"}", // a NUL byte
	`{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, // too deep
	`{"qty": 1e999}`,              // a number out of range
	`{"qty": 1, "qty": 2}`,        // a duplicate key
	`[1, 2, 3]`,                   // not an object
	`"just a string"`,             // not an object
	`42`,                          // not an object
	`null`,                        // not an object
	`{"id": 1} trailing`,          // trailing garbage
	`{"id": 1}{"id": 2}`,          // two objects
	`}`,                           // garbage
	`{"kind": "book", "qty": 1,}`, // a trailing comma
	`{"a": "` + strings.Repeat("x", jsonl.DefaultMaxLineSize) + `"}`, // too long
}

// blankLines are skipped, not read.
var blankLines = []string{"", "   ", "\t", " \r"}

// streamFile writes an n-line JSON-lines file: mostly good inputs (some
// Stopped by the flow's filter, some failing in its fork), with every kind
// of malformed line and blank line mixed in, CRLF endings on some lines,
// a BOM at the start and no final newline. It returns the path and how many
// lines are malformed and blank.
func streamFile(t *testing.T, dir string, n int) (path string, malformed, blank int) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\xef\xbb\xbf")
	kinds := []string{"book", "digital", "book", "digital", "toy"}
	bad, blk, wrong := 0, 0, 0
	for i := 1; i <= n; i++ {
		switch {
		case i%397 == 0:
			line := badLines[bad%len(badLines)]
			if _, err := jsonl.Decode([]byte(line)); err == nil {
				t.Fatalf("the decoder accepts bad line %q", line)
			}
			b.WriteString(line)
			bad++
		case i%1009 == 0:
			b.WriteString(blankLines[blk%len(blankLines)])
			blk++
		case i%5 == 3:
			// qty of the wrong type: malformed, since the flow declares qty: int
			fmt.Fprintf(&b, `{"id": %d, "kind": %q, "qty": "%d"}`, i, kinds[i%len(kinds)], i%7)
			wrong++
		default:
			fmt.Fprintf(&b, `{"id": %d, "kind": %q, "qty": %d, "note": "ünïcode ✓ \"quoted\""}`, i, kinds[i%len(kinds)], i%7)
		}
		switch {
		case i == n: // no final newline
		case i%3 == 0:
			b.WriteString("\r\n")
		default:
			b.WriteString("\n")
		}
	}
	path = filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, bad + wrong, blk
}

// readLines returns the JSON lines of the file at path, decoded.
func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: a line is not JSON: %v: %q", path, err, sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func TestRunEndToEnd(t *testing.T) {
	n := 100_000
	if raceEnabled || testing.Short() {
		n = 20_000
	}
	dir := t.TempDir()
	in, bad, blank := streamFile(t, dir, n)
	out, dead := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "dead.jsonl")

	r := execute(t, "", "run", "testdata/fork.yaml", "--in", in, "--out", out, "--dead-letters", dead, "--ui", "off")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, tail(r.stderr))
	}
	s := parseSummary(t, r.stderr)
	s.accounts(t)
	if s.state != "complete" || s.read != n-blank || s.malformed != bad || s.blank != blank {
		t.Errorf("summary %+v; want complete, read %d, malformed %d, blank %d", s, n-blank, bad, blank)
	}
	if got := strings.Count(r.stderr, `msg="malformed line"`); got != bad {
		t.Errorf("%d malformed-line reports on stderr, want %d", got, bad)
	}

	results, letters := readLines(t, out), readLines(t, dead)
	if len(results)+s.malformed+blank != n {
		t.Errorf("%d results + %d malformed + %d blank != %d lines", len(results), s.malformed, blank, n)
	}
	byStatus := map[string]int{}
	for _, res := range results {
		byStatus[res["status"].(string)]++
		if _, ok := res["values"].(map[string]any); !ok {
			t.Fatalf("a result without values: %v", res)
		}
		if res["status"] == "failed" && (res["error"] == "" || res["error"] == nil) {
			t.Fatalf("a failed result without an error: %v", res)
		}
	}
	if byStatus["done"] != s.done || byStatus["stopped"] != s.stopped || byStatus["failed"] != s.failed {
		t.Errorf("results by status %v disagree with the summary %+v", byStatus, s)
	}
	if byStatus["done"]+byStatus["stopped"]+len(letters)+s.malformed+blank != n {
		t.Errorf("done %d + stopped %d + dead letters %d + malformed %d + blank %d != %d lines",
			byStatus["done"], byStatus["stopped"], len(letters), s.malformed, blank, n)
	}
	if s.done == 0 || s.stopped == 0 || s.failed == 0 {
		t.Errorf("want every status in the run, got %+v", s)
	}
	for _, l := range letters {
		if _, ok := l["id"]; !ok || l["status"] != nil || l["values"] != nil {
			t.Fatalf("a dead letter is not an original input: %v", l)
		}
	}

	// Replaying the dead letters: every one of them read, none malformed.
	again := filepath.Join(dir, "dead2.jsonl")
	r = execute(t, "", "run", "testdata/fork.yaml", "--in", dead, "--out", filepath.Join(dir, "out2.jsonl"), "--dead-letters", again, "--ui", "off")
	if r.code != 0 {
		t.Fatalf("replay: exit %d; stderr:\n%s", r.code, tail(r.stderr))
	}
	s2 := parseSummary(t, r.stderr)
	s2.accounts(t)
	if s2.read != len(letters) || s2.malformed != 0 {
		t.Errorf("replay summary %+v; want read %d, malformed 0", s2, len(letters))
	}
	if got := len(readLines(t, again)); got != s2.failed {
		t.Errorf("replay: %d dead letters, want %d", got, s2.failed)
	}
}

func TestRunStdinToStdout(t *testing.T) {
	t.Parallel()
	in := `{"id": 1, "kind": "book", "qty": 2}` + "\n" + `{"id": 2, "kind": "toy", "qty": 1}` + "\n" + "oops\n"
	r := execute(t, in, "run", "testdata/orders-simple.yaml", "--ui", "off")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 {
		t.Fatalf("want 2 results, got:\n%s", r.stdout)
	}
	want := `level=WARN msg="malformed line" line=3 reason="invalid JSON" preview=oops`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %s:\n%s", want, r.stderr)
	}
	s := parseSummary(t, r.stderr)
	s.accounts(t)
	if s.read != 3 || s.done != 2 || s.malformed != 1 {
		t.Errorf("summary %+v", s)
	}
}
