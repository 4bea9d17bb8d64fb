package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/serviceflow/serviceflow/jsonl"
)

// testReport writes flowrun test's results: like go test, or as JSON lines.
type testReport struct {
	w              io.Writer
	json           *jsonl.Writer // nil: text
	passed, failed int
}

func newTestReport(w io.Writer, asJSON bool) *testReport {
	r := &testReport{w: w}
	if asJSON {
		r.json = jsonl.NewWriter(w)
	}
	return r
}

// caseJSON is one case's line with --json.
type caseJSON struct {
	File     string         `json:"file"`
	Line     int            `json:"line"`
	Case     string         `json:"case"`
	Result   string         `json:"result"` // pass or fail
	Elapsed  string         `json:"elapsed"`
	Status   string         `json:"status"`
	Stage    string         `json:"stage,omitempty"`
	Error    string         `json:"error,omitempty"`
	Values   map[string]any `json:"values"`
	Problems []string       `json:"problems"` // file:line:col: what differs
}

func (r *testReport) add(res caseResult) {
	ok := len(res.problems) == 0
	if ok {
		r.passed++
	} else {
		r.failed++
	}
	if r.json != nil {
		line := caseJSON{File: res.file, Line: res.c.at.line, Case: res.c.name, Result: "pass", Elapsed: res.elapsed.String(),
			Status: res.got.Status, Stage: res.got.Stage, Error: res.got.Error, Values: res.got.Values, Problems: []string{}}
		if !ok {
			line.Result = "fail"
		}
		if line.Values == nil {
			line.Values = map[string]any{}
		}
		line.Values = encodable(line.Values).(map[string]any)
		for _, p := range res.problems {
			line.Problems = append(line.Problems, fmt.Sprintf("%s:%d:%d: %s", res.file, p.at.line, p.at.col, p.msg))
		}
		_ = r.json.Write(line)
		_ = r.json.Flush()
		return
	}
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	fmt.Fprintf(r.w, "--- %s: %s (%.2fs)\n", verdict, res.c.name, res.elapsed.Seconds())
	if ok {
		return
	}
	for _, p := range res.problems {
		fmt.Fprintf(r.w, "    %s:%d:%d: %s\n", res.file, p.at.line, p.at.col, p.msg)
	}
	g := res.got
	fmt.Fprintf(r.w, "    got: status %s", g.Status)
	if g.Stage != "" {
		fmt.Fprintf(r.w, ", stage %q", g.Stage)
	}
	if g.Error != "" {
		fmt.Fprintf(r.w, ", error %q", g.Error)
	}
	fmt.Fprintf(r.w, "\n    got values: %s\n", jsonText(g.Values))
}

// file ends a case file's cases, as go test ends a package's tests.
func (r *testReport) file(path string, failed bool, elapsed time.Duration) {
	if r.json != nil {
		return
	}
	verdict := "ok  "
	if failed {
		verdict = "FAIL"
	}
	fmt.Fprintf(r.w, "%s\t%s\t%.3fs\n", verdict, path, elapsed.Seconds())
}

// summary writes the final count.
func (r *testReport) summary() {
	if r.json != nil {
		_ = r.json.Write(struct {
			Passed int `json:"passed"`
			Failed int `json:"failed"`
		}{r.passed, r.failed})
		_ = r.json.Flush()
		return
	}
	fmt.Fprintf(r.w, "%d passed, %d failed\n", r.passed, r.failed)
}
