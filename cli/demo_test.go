package cli_test

import (
	"strings"
	"testing"
)

func TestDemoPlain(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "demo", "--ui", "plain", "--count", "200")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	s := parseSummary(t, r.stdout)
	s.accounts(t)
	if s.state != "complete" || s.read != 200 || s.malformed != 0 || s.done == 0 || s.stopped == 0 {
		t.Errorf("summary %+v; want 200 orders, some done and some stopped", s)
	}
	if !strings.Contains(r.stdout, "flow=orders") {
		t.Errorf("no plain progress lines:\n%s", r.stdout)
	}
}

func TestDemoDefaultCountWithoutTerminal(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: this test runs the demo's full 2000 orders; the other demo tests run a few")
	}
	r := execute(t, "", "demo", "--ui", "off", "--rate", "0")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if s := parseSummary(t, r.stdout); s.read != 2000 {
		t.Errorf("summary %+v; want the 2000 orders of a run without a terminal", s)
	}
}

func TestDemoJSON(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "demo", "--ui", "json", "--count", "50")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"flow":"orders"`) {
		t.Errorf("no JSON snapshots:\n%s", tail(r.stdout))
	}
}
