package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/flowfile"
)

// testFlags are test's options.
type testFlags struct {
	json    bool
	run     string
	timeout time.Duration
}

func (e *env) testCmd() *cobra.Command {
	var fl testFlags
	cmd := &cobra.Command{
		Use:   "test CASES.yaml|DIR...",
		Short: "Run a flow file's test cases: inputs, mocked steps, expected results",
		Long: `test runs the cases of one or more case files (a directory means its
*_test.yaml files, a flow file NAME.yaml its NAME_test.yaml), each through
its flow file, one input at a time, and
reports like go test: PASS or FAIL per case, with what differs, and
"N passed, N failed".

A case file names its flow file (relative to the case file) and lists cases:

  flow: orders.yaml
  cases:
    - name: a book ships for 2.50
      input: {id: o-1, kind: book, price: 12.5, qty: 2}
      want:
        status: done                     # done (the default), stopped or failed
        values: {shipping: 2.5, total: 28.75}
    - name: the gateway is down
      input: {id: o-2, kind: book, price: 8, qty: 1}
      mock:                              # steps by name (name:, else service:)
        total: {fatal: "gateway down"}   # or stop: REASON, retry: MSG, error: MSG
        price-book: {outputs: {shipping: 0, tax: 0}}  # sets these keys, succeeds
      want: {status: failed, stage: total, error: "gateway down"}

input is the input's values, decoded as run decodes a JSON line. A mock
replaces the service of every step with that name, keeping the step's
settings and declared keys: outputs sets keys and succeeds; stop, retry,
fatal and error return flow.Stop, flow.Retry, flow.Fatal or a plain error
every time (so retry and fatal end Failed once the flow's retry policy or
redeliveries are exhausted). want.values is a subset match: the final
values must hold these keys with these values (mappings match as subsets at
every level, lists element by element, numbers within a relative 1e-9, so
that 0.1*6 is 0.6); want.stage is the
stage that stopped or failed the input and want.error a part of its error.

Problems in a case file or its flow file are reported with
file:line:column before any case runs, and exit 2. Exit codes: 0 every case
passed, 1 some failed, 2 usage, case-file or flow-file errors, 130
interrupted.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.test(cmd.Context(), args, fl)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&fl.json, "json", false, "print one JSON object per case and a final {\"passed\":N,\"failed\":N}")
	f.StringVar(&fl.run, "run", "", "run only the cases whose name matches this regular expression")
	f.DurationVar(&fl.timeout, "timeout", 10*time.Second, "how long one case may run")
	return cmd
}

func (e *env) test(ctx context.Context, args []string, fl testFlags) error {
	var filter *regexp.Regexp
	if fl.run != "" {
		re, err := regexp.Compile(fl.run)
		if err != nil {
			return usageError("test: --run: %v", err)
		}
		filter = re
	}
	if fl.timeout <= 0 {
		return usageError("test: --timeout must be positive")
	}
	paths, err := caseFiles(args)
	if err != nil {
		return err
	}
	files, err := e.loadCases(paths)
	if err != nil {
		return err
	}
	rep := newTestReport(e.stdout, fl.json)
	for _, cf := range files {
		start := time.Now()
		failedBefore := rep.failed
		for _, c := range cf.cases {
			if filter != nil && !filter.MatchString(c.name) {
				continue
			}
			if ctx.Err() != nil {
				rep.summary()
				return withCode(ExitInterrupted, nil)
			}
			rep.add(e.runCase(ctx, cf, c, fl.timeout))
		}
		rep.file(cf.path, rep.failed > failedBefore, time.Since(start))
	}
	rep.summary()
	if filter != nil && rep.passed+rep.failed == 0 {
		fmt.Fprintf(e.stderr, "flowrun: test: no case matches --run %q\n", fl.run)
	}
	if rep.failed > 0 {
		return withCode(ExitFlowFailed, nil)
	}
	return nil
}

// caseFiles expands the arguments: a directory stands for its *_test.yaml
// and *_test.yml files.
func caseFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, withCode(ExitUsage, fmt.Errorf("test: %w", err))
		}
		if !info.IsDir() {
			out = append(out, casesOf(a))
			continue
		}
		var found []string
		for _, pat := range []string{"*_test.yaml", "*_test.yml"} {
			m, _ := filepath.Glob(filepath.Join(a, pat))
			found = append(found, m...)
		}
		if len(found) == 0 {
			return nil, usageError("test: %s has no *_test.yaml files", a)
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

// casesOf is the case file for path: path itself, or, for a flow file
// with a NAME_test.yaml beside it, that file.
func casesOf(path string) string {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	if strings.HasSuffix(base, "_test") {
		return path
	}
	for _, e := range []string{ext, ".yaml", ".yml"} {
		if c := base + "_test" + e; fileExists(c) {
			return c
		}
	}
	return path
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}

// loadCases loads every case file and the flow files they test, and checks
// that every mock names a service step. It writes every problem, with its
// file:line:column, to stderr and returns a reported usage error if there
// are any.
func (e *env) loadCases(paths []string) ([]*caseFile, error) {
	var files []*caseFile
	var problems []error
	flowsBad := false
	stages := map[string]map[string]bool{} // flow file → its service steps' names
	for _, path := range paths {
		cf, errs := loadCaseFile(path)
		for _, err := range errs {
			if _, ok := err.(*flowfile.Error); !ok { // the file could not be read
				err = &flowfile.Error{File: path, Line: 1, Col: 1, Msg: err.Error()}
			}
			problems = append(problems, err)
		}
		if cf == nil || cf.flow == "" {
			continue
		}
		if _, done := stages[cf.flow]; !done {
			names := map[string]bool{}
			record := flowfile.ReplaceServices(func(stage string, s flow.Service) flow.Service {
				names[stage] = true
				return s
			})
			if _, err := e.load(cf.flow, e.stderr, true, record); err != nil {
				flowsBad, names = true, nil // load wrote its problems
			}
			stages[cf.flow] = names
		}
		for _, c := range cf.cases {
			for _, m := range c.mocks {
				if names := stages[cf.flow]; names != nil && !names[m.stage] {
					problems = append(problems, &flowfile.Error{File: path, Line: m.at.line, Col: m.at.col,
						Msg: fmt.Sprintf("mock %q: %s has no service step of that name; it has %s", m.stage, cf.flow, nameList(names))})
				}
			}
		}
		files = append(files, cf)
	}
	slices.SortStableFunc(problems, func(a, b error) int {
		pa, pb := a.(*flowfile.Error), b.(*flowfile.Error)
		return cmp.Or(cmp.Compare(pa.File, pb.File), cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Col, pb.Col))
	})
	for _, p := range problems {
		fmt.Fprintln(e.stderr, p)
	}
	if len(problems) > 1 {
		fmt.Fprintf(e.stderr, "%d problems\n", len(problems))
	}
	if len(problems) > 0 || flowsBad {
		return nil, withCode(ExitUsage, nil)
	}
	return files, nil
}

func nameList(names map[string]bool) string {
	if len(names) == 0 {
		return "none"
	}
	var list []string
	for _, n := range slices.Sorted(maps.Keys(names)) {
		list = append(list, strconv.Quote(n))
	}
	return strings.Join(list, ", ")
}

// caseResult is how one case went.
type caseResult struct {
	file     string
	c        *testCase
	got      resultLine
	problems []problem
	elapsed  time.Duration
}

// runCase runs one case: its flow, loaded with its mocks, over its input.
func (e *env) runCase(ctx context.Context, cf *caseFile, c *testCase, timeout time.Duration) caseResult {
	r := caseResult{file: cf.path, c: c}
	mocks := map[string]mock{}
	for _, m := range c.mocks {
		mocks[m.stage] = m
	}
	f, err := flowfile.LoadFile(cf.flow, e.reg, flowfile.ReplaceServices(func(stage string, s flow.Service) flow.Service {
		if m, ok := mocks[stage]; ok {
			return newMock(m, s)
		}
		return s
	}))
	if err == nil {
		err = f.Validate()
	}
	if err != nil {
		r.problems = []problem{{c.at, fmt.Sprintf("the flow with this case's mocks does not load: %v", err)}}
		return r
	}
	if err := f.CheckInput(c.input); err != nil { // as run checks every line
		r.problems = []problem{{c.at, fmt.Sprintf("run would reject this input as malformed: %v", err)}}
		r.got = resultOf(flow.NewContext(c.input), err)
		return r
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	out, err := f.Flow.Run(cctx, c.input)
	r.elapsed = time.Since(start)
	if serr := f.Flow.Stop(context.WithoutCancel(ctx)); serr != nil {
		r.problems = append(r.problems, problem{c.at, fmt.Sprintf("stopping the flow's services: %v", serr)})
	}
	if out == nil {
		out = flow.NewContext(c.input)
	}
	r.got = resultOf(out, err)
	if errors.Is(cctx.Err(), context.DeadlineExceeded) {
		r.problems = append(r.problems, problem{c.at, fmt.Sprintf("timed out after %v (--timeout)", timeout)})
	}
	r.problems = append(check(c.want, r.got), r.problems...)
	slices.SortStableFunc(r.problems, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.at.line, b.at.line), cmp.Compare(a.at.col, b.at.col))
	})
	return r
}
