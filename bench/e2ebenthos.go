package bench

import (
	"fmt"
	"os"
	"path/filepath"
)

// BenthosOut is where Benthos writes its lines.
func (w Workload) BenthosOut() string { return filepath.Join(w.Dir, "benthos.jsonl") }

// WriteBenthosConfig writes the Benthos v4 equivalent of the workload's
// flow file next to it and returns its path: the input file's lines, five
// mapping processors (each v = v + 1 and sN = v + 1, from the values
// before it), the output file's lines.
func (w Workload) WriteBenthosConfig() (string, error) {
	s := "# flowrun bench --e2e --benthos: the flow file's five steps as bloblang mappings.\n" +
		"http: {enabled: false}\nlogger: {level: warn}\n" +
		fmt.Sprintf("input:\n  file:\n    paths: [%q]\n    scanner: {lines: {}}\n", w.Input) +
		"pipeline:\n  processors:\n"
	for n := 1; n <= Stages; n++ {
		s += fmt.Sprintf("    - mapping: |\n        root = this\n        root.v = this.v + 1\n        root.s%d = this.v + 1\n", n)
	}
	s += fmt.Sprintf("output:\n  file:\n    path: %q\n    codec: lines\n", w.BenthosOut())
	path := filepath.Join(w.Dir, "benthos.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	return path, nil
}
