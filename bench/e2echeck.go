package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// ErrWrongWork is matched by the error of a check that found an output not
// doing the workload's work: a bench measuring it would mislead.
var ErrWrongWork = errors.New("output does not match the workload")

// CheckLoop checks the hand-written loop's output at path: line k holds
// the values of input line k after the five steps, and there are w.Lines.
func (w Workload) CheckLoop(path string) error {
	return scanLines(path, func(k int, line []byte) error {
		if k > w.Lines {
			return fmt.Errorf("%d lines or more; the input has %d", k, w.Lines)
		}
		return checkValues(k, line)
	}, w.Lines)
}

// CheckValues checks an output of values objects at path, one line per
// input line in any order, each the values of its input line after the
// five steps (told by its v).
func (w Workload) CheckValues(path string) error {
	seen := make([]bool, w.Lines+1)
	return scanLines(path, func(_ int, line []byte) error {
		var r struct {
			V int `json:"v"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		k := r.V - Stages + 1
		switch {
		case k < 1 || k > w.Lines:
			return fmt.Errorf("values %s are no input line's; the input has %d", line, w.Lines)
		case seen[k]:
			return fmt.Errorf("a second output for line %d", k)
		}
		seen[k] = true
		return checkValues(k, line)
	}, w.Lines)
}

// CheckRun checks `flowrun run`'s output at path: one done result per
// input line, in any order, each with the values of its input line after
// the five steps.
func (w Workload) CheckRun(path string) error {
	seen := make([]bool, w.Lines+1)
	return scanLines(path, func(_ int, line []byte) error {
		var r struct {
			Line   int             `json:"line"`
			Status string          `json:"status"`
			Values json.RawMessage `json:"values"`
			Error  string          `json:"error"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		switch {
		case r.Line < 1 || r.Line > w.Lines:
			return fmt.Errorf("a result for line %d; the input has %d", r.Line, w.Lines)
		case seen[r.Line]:
			return fmt.Errorf("a second result for line %d", r.Line)
		case r.Status != "done":
			return fmt.Errorf("line %d is %s: %s", r.Line, r.Status, r.Error)
		}
		seen[r.Line] = true
		return checkValues(r.Line, r.Values)
	}, w.Lines)
}

// scanLines calls check for each line of the file at path, numbered from
// 1, and wants n lines.
func scanLines(path string, check func(k int, line []byte) error, n int) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(bufio.NewReaderSize(f, 64<<10))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	k := 0
	for sc.Scan() {
		k++
		if err := check(k, sc.Bytes()); err != nil {
			return fmt.Errorf("bench: %s:%d: %w: %w", path, k, ErrWrongWork, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("bench: %s: %w", path, err)
	}
	if k != n {
		return fmt.Errorf("bench: %s: %w: %d lines, want %d", path, ErrWrongWork, k, n)
	}
	return nil
}

// checkValues checks that obj is the values of input line k ({"v":k-1})
// after the five steps: v = k-1+5 and sN = k-1+N, nothing else.
func checkValues(k int, obj []byte) error {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	var m map[string]json.Number
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("values of line %d: %w", k, err)
	}
	want := map[string]int{"v": k - 1 + Stages}
	for n := 1; n <= Stages; n++ {
		want[stepKeys[n-1]] = k - 1 + n
	}
	if len(m) != len(want) {
		return fmt.Errorf("values of line %d are %s; want the keys v, s1..s%d", k, obj, Stages)
	}
	for key, v := range want {
		if got, ok := m[key]; !ok || string(got) != strconv.Itoa(v) {
			return fmt.Errorf("values of line %d are %s; want %s = %d", k, obj, key, v)
		}
	}
	return nil
}
