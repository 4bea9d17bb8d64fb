package cli_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// elapsedRE matches the times in flowrun test's output, which vary.
var elapsedRE = regexp.MustCompile(`\(\d+\.\d\ds\)|\t\d+\.\d{3}s`)

func normalizeElapsed(s string) string {
	return elapsedRE.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "\t") {
			return "\tT"
		}
		return "(T)"
	})
}

func TestTestCommandPasses(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "test", "testdata/test/pass_test.yaml")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	golden(t, "testdata/test/pass.golden", normalizeElapsed(r.stdout))
}

func TestTestCommandFails(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "test", "testdata/test/fail_test.yaml")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	golden(t, "testdata/test/fail.golden", normalizeElapsed(r.stdout))
}

func TestTestCommandDirectoryAndRun(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "test", "testdata/test", "--run", "^(book|passes)$")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (only passing cases selected); stdout:\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stdout, "--- PASS: book (") || !strings.Contains(r.stdout, "--- PASS: passes (") ||
		!strings.HasSuffix(r.stdout, "2 passed, 0 failed\n") {
		t.Errorf("want the two selected cases from both files:\n%s", r.stdout)
	}
	r = execute(t, "", "test", "testdata/test")
	if r.code != 1 || !strings.HasSuffix(r.stdout, "9 passed, 3 failed\n") {
		t.Errorf("the whole directory: exit %d, stdout:\n%s", r.code, r.stdout)
	}
}

// Given a flow file, test runs the case file beside it; a --run that
// matches nothing says so.
func TestTestCommandFlowFileAndNoMatch(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "test", "../examples/streaming/orders.yaml")
	if r.code != 0 || !strings.HasSuffix(r.stdout, "7 passed, 0 failed\n") {
		t.Errorf("exit %d; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = execute(t, "", "test", "testdata/test/pass_test.yaml", "--run", "^nothing$")
	if r.code != 0 || !strings.HasSuffix(r.stdout, "0 passed, 0 failed\n") || !strings.Contains(r.stderr, `no case matches --run "^nothing$"`) {
		t.Errorf("exit %d; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestTestCommandJSON(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "test", "testdata/test/fail_test.yaml", "--json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 4 cases and a summary:\n%s", len(lines), r.stdout)
	}
	var results []map[string]any
	for _, l := range lines[:4] {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		results = append(results, m)
	}
	if results[0]["result"] != "pass" || results[1]["result"] != "fail" || results[1]["case"] != "wrong values" {
		t.Errorf("results %v", results)
	}
	problems, _ := results[1]["problems"].([]any)
	if len(problems) != 4 || !strings.HasPrefix(problems[0].(string), "testdata/test/fail_test.yaml:10:16: values.shipping") {
		t.Errorf("problems %q", problems)
	}
	if vals, _ := results[1]["values"].(map[string]any); vals["total"] != 30.0 {
		t.Errorf("values %v", results[1]["values"])
	}
	if lines[4] != `{"passed":1,"failed":3}` {
		t.Errorf("summary %s", lines[4])
	}
}

// Problems in case files and flow files are reported like validate's,
// with file:line:column, before any case runs, and exit 2.
func TestTestCommandBadFiles(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"fields", "syntax", "noflow"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := filepath.Join("testdata/test/bad", name+".yaml")
			r := execute(t, "", "test", f)
			if r.code != 2 {
				t.Errorf("exit %d, want 2", r.code)
			}
			if r.stdout != "" {
				t.Errorf("ran cases despite the problems:\n%s", r.stdout)
			}
			golden(t, filepath.Join("testdata/test/bad", name+".golden"), r.stderr)
		})
	}
}

func TestTestCommandBadFlowFile(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "test", "testdata/test/bad/badflow.yaml")
	if r.code != 2 || r.stdout != "" || !strings.HasPrefix(r.stderr, "testdata/validate/wiring.yaml:6:32: ") {
		t.Errorf("exit %d, want 2 with the flow file's problems; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestTestCommandTimeout(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "test", "testdata/test/timeout", "--timeout", "50ms")
	if r.code != 1 || !strings.Contains(r.stdout, "hang_test.yaml:3:5: timed out after 50ms (--timeout)") {
		t.Errorf("exit %d, want 1 with a timeout; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestTestCommandUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"test"},
		{"test", "testdata/test/nope_test.yaml"},
		{"test", "testdata/test/pass_test.yaml", "--run", "("},
		{"test", "testdata/test/pass_test.yaml", "--timeout", "0s"},
		{"test", "testdata/graph"},
	} {
		r := execute(t, "", args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "flowrun: ") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
