package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// stepKeys are the keys the steps set: s1 ... s5.
var stepKeys = [Stages]string{"s1", "s2", "s3", "s4", "s5"}

// Loop is the hand-written reference of the end-to-end workload: what a
// user could write in ten minutes instead of a flow. One goroutine reads
// the input line by line, decodes each with encoding/json, applies the five
// steps (v = v + 1, sN = v + 1) and encodes the values, one JSON line each,
// through buffered I/O.
func Loop(in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(bufio.NewReaderSize(in, 64<<10))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	bw := bufio.NewWriterSize(out, 64<<10)
	enc := json.NewEncoder(bw)
	line := 0
	for sc.Scan() {
		line++
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return fmt.Errorf("bench: loop: line %d: %w", line, err)
		}
		for n := 1; n <= Stages; n++ {
			v, ok := m["v"].(float64)
			if !ok {
				return fmt.Errorf("bench: loop: line %d: v is %T, not a number", line, m["v"])
			}
			m["v"], m[stepKeys[n-1]] = v+1, v+1
		}
		if err := enc.Encode(m); err != nil {
			return fmt.Errorf("bench: loop: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("bench: loop: %w", err)
	}
	return bw.Flush()
}
