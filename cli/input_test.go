package cli_test

import (
	"strings"
	"testing"
)

func TestDeclaredInputTypesHold(t *testing.T) {
	t.Parallel()
	in := `{"latency_ms": 12}` + "\n" + `{"latency_ms": "slow"}` + "\n" + `{"latency_ms": 300.5}` + "\n"
	r := execute(t, in, "run", "testdata/typed.yaml", "--ui", "off")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, `"status":"done"`); n != 2 {
		t.Errorf("%d done results, want 2:\n%s", n, r.stdout)
	}
	want := `line=2 reason="invalid input" preview="{\"latency_ms\": \"slow\"}" detail="input \"latency_ms\" is declared float, found string \"slow\""`
	if strings.Count(r.stderr, "malformed line") != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not report line 2 once as %s:\n%s", want, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "expression") {
		t.Errorf("an expression failed:\n%s%s", r.stdout, r.stderr)
	}
	s := parseSummary(t, r.stderr)
	if s.malformed != 1 || s.done != 2 || s.failed != 0 {
		t.Errorf("summary %+v", s)
	}
}

func TestTestCommandChecksInputTypes(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "test", "testdata/typed-cases/orders_test.yaml")
	want := `testdata/typed-cases/orders_test.yaml:8:5: run would reject this input as malformed: input "price" is declared float, found string "ten"`
	if r.code != 1 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "1 passed, 1 failed") {
		t.Errorf("exit %d, want 1 and %s; stdout:\n%s\nstderr:\n%s", r.code, want, r.stdout, r.stderr)
	}
}
