package cli_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscalationExits1AndAccountsForEveryLine(t *testing.T) {
	t.Parallel()
	var in strings.Builder
	for i := range 500 {
		fmt.Fprintf(&in, "{\"id\": %d}\n", i)
	}
	dead := filepath.Join(t.TempDir(), "dead.jsonl")
	r := execute(t, in.String(), "run", "testdata/escalate.yaml", "--ui", "off", "--dead-letters", dead)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, tail(r.stderr))
	}
	s := parseSummary(t, r.stderr)
	s.accounts(t)
	if s.state != "flow-failed" || s.failed == 0 || s.done != 0 {
		t.Errorf("summary %+v; want flow-failed with failures", s)
	}
	if !strings.Contains(r.stderr, "flowrun: the flow failed:") {
		t.Errorf("no reason for the failure:\n%s", tail(r.stderr))
	}
	if got := strings.Count(r.stdout, "\n"); got != s.read {
		t.Errorf("%d results for %d lines read", got, s.read)
	}
	if got := len(readLines(t, dead)); got != s.failed {
		t.Errorf("%d dead letters for %d failed", got, s.failed)
	}
}
