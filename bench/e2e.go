package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// The end-to-end workload (issue 11): JSON lines {"v":i} for i = 0..n-1,
// through a flow file of five expr steps, step N setting v and sN to v+1
// (both from the values before the step), file in, file out. Stages is the
// number of steps.
const Stages = 5

// Workload is the end-to-end workload written to a directory.
type Workload struct {
	Dir   string // the directory holding everything below
	Lines int    // input lines
	Input string // Dir/input.jsonl
	Flow  string // Dir/flow.yaml
}

// RunOut is where `flowrun run` writes its result lines.
func (w Workload) RunOut() string { return filepath.Join(w.Dir, "run.jsonl") }

// LoopOut is where the hand-written loop writes its lines.
func (w Workload) LoopOut() string { return filepath.Join(w.Dir, "loop.jsonl") }

// WriteWorkload writes the workload's input of n lines and its flow file
// into dir.
func WriteWorkload(dir string, n int) (Workload, error) {
	w := Workload{Dir: dir, Lines: n, Input: filepath.Join(dir, "input.jsonl"), Flow: filepath.Join(dir, "flow.yaml")}
	if err := os.WriteFile(w.Flow, []byte(flowFile()), 0o644); err != nil {
		return Workload{}, fmt.Errorf("bench: %w", err)
	}
	f, err := os.Create(w.Input)
	if err != nil {
		return Workload{}, fmt.Errorf("bench: %w", err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	line := make([]byte, 0, 32)
	for i := range n {
		line = append(strconv.AppendInt(append(line[:0], `{"v":`...), int64(i), 10), "}\n"...)
		bw.Write(line) // an error sticks: Flush reports it
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return Workload{}, fmt.Errorf("bench: %w", err)
	}
	if err := f.Close(); err != nil {
		return Workload{}, fmt.Errorf("bench: %w", err)
	}
	return w, nil
}

// flowFile is the workload's flow file.
func flowFile() string {
	s := "# flowrun bench --e2e: five expr steps, each v = v + 1 and sN = v + 1.\nname: e2e\ninput: {v: int}\nsteps:\n"
	for n := 1; n <= Stages; n++ {
		s += fmt.Sprintf("  - service: expr\n    name: step%d\n    with: {set: {v: \"v + 1\", s%d: \"v + 1\"}}\n", n, n)
	}
	return s
}
