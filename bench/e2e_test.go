package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The loop does the workload's work, and the checks accept exactly the
// right outputs: a bench measuring wrong work would mislead.
func TestE2ELoopAndChecks(t *testing.T) {
	dir := t.TempDir()
	w, err := WriteWorkload(dir, 50)
	if err != nil {
		t.Fatal(err)
	}
	if err := RunLoop(dir); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckLoop(w.LoopOut()); err != nil {
		t.Fatal(err)
	}
	loop, err := os.ReadFile(w.LoopOut())
	if err != nil {
		t.Fatal(err)
	}
	values := bytes.Split(bytes.TrimSuffix(loop, []byte("\n")), []byte("\n"))
	if string(values[2]) != `{"s1":3,"s2":4,"s3":5,"s4":6,"s5":7,"v":7}` {
		t.Fatalf("line 3 of the loop's output is %s", values[2])
	}

	// Results the way flowrun run writes them, in any order.
	results := func(edit func(lines [][]byte) [][]byte) string {
		var lines [][]byte
		for i, v := range values {
			lines = append(lines, fmt.Appendf(nil, `{"id":%d,"line":%d,"status":"done","values":%s,"attempts":1}`, i+1, i+1, v))
		}
		slices.Reverse(lines)
		lines = edit(lines)
		path := filepath.Join(t.TempDir(), "run.jsonl")
		if err := os.WriteFile(path, append(bytes.Join(lines, []byte("\n")), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	same := func(lines [][]byte) [][]byte { return lines }
	if err := w.CheckRun(results(same)); err != nil {
		t.Fatalf("right results refused: %v", err)
	}
	wrong := map[string]func([][]byte) [][]byte{
		"missing":  func(l [][]byte) [][]byte { return l[1:] },
		"repeated": func(l [][]byte) [][]byte { return append(l[1:], l[1]) },
		"failed": func(l [][]byte) [][]byte {
			l[3] = bytes.Replace(l[3], []byte(`"done"`), []byte(`"failed"`), 1)
			return l
		},
		"off by one": func(l [][]byte) [][]byte { l[4] = bytes.Replace(l[4], []byte(`"s5":`), []byte(`"s5":1`), 1); return l },
		"extra key": func(l [][]byte) [][]byte {
			l[5] = bytes.Replace(l[5], []byte(`"v":`), []byte(`"w":0,"v":`), 1)
			return l
		},
		"float": func(l [][]byte) [][]byte { l[6] = bytes.Replace(l[6], []byte(`}`), []byte(`.0}`), 1); return l },
	}
	for name, edit := range wrong {
		if err := w.CheckRun(results(edit)); !errors.Is(err, ErrWrongWork) {
			t.Errorf("%s: CheckRun = %v, want ErrWrongWork", name, err)
		}
	}
	// Values objects in any order, the way Benthos writes them.
	shuffled := slices.Clone(values)
	slices.Reverse(shuffled)
	anyOrder := filepath.Join(t.TempDir(), "benthos.jsonl")
	if err := os.WriteFile(anyOrder, append(bytes.Join(shuffled, []byte("\n")), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckValues(anyOrder); err != nil {
		t.Errorf("values in another order refused: %v", err)
	}
	shuffled[0] = shuffled[1]
	if err := os.WriteFile(anyOrder, append(bytes.Join(shuffled, []byte("\n")), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckValues(anyOrder); !errors.Is(err, ErrWrongWork) {
		t.Errorf("a repeated line: CheckValues = %v, want ErrWrongWork", err)
	}

	short := filepath.Join(t.TempDir(), "loop.jsonl")
	if err := os.WriteFile(short, bytes.Join(values[:49], []byte("\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckLoop(short); !errors.Is(err, ErrWrongWork) {
		t.Errorf("a short loop output: CheckLoop = %v, want ErrWrongWork", err)
	}
}
