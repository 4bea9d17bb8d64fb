package cli_test

import (
	"strings"
	"testing"
)

func TestUnencodableValuesStillGetTheirLine(t *testing.T) {
	t.Parallel()
	r := execute(t, `{"qty": 1}`+"\n"+`{"qty": -1}`+"\n", "run", "testdata/inf.yaml", "--ui", "off")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"ratio":"+Inf"`) || !strings.Contains(r.stdout, `"ratio":"-Inf"`) {
		t.Errorf("want the infinities as text:\n%s", r.stdout)
	}
	parseSummary(t, r.stderr).accounts(t)
}
