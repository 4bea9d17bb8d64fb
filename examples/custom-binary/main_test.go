package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/serviceflow/serviceflow/cli"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func flowrun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Execute(context.Background(), args, strings.NewReader(""), &out, &errb, newRegistry())
	return code, out.String(), errb.String()
}

func TestServicesListsLoyalty(t *testing.T) {
	code, out, _ := flowrun(t, "services")
	if code != 0 || !strings.Contains(out, "loyalty — service") || !strings.Contains(out, "expr — service") {
		t.Errorf("exit %d; services:\n%s", code, out)
	}
}

func TestRunWithLoyalty(t *testing.T) {
	code, out, errs := flowrun(t, "run", "orders.yaml", "--in", "orders.jsonl", "--ui", "off")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	if !strings.Contains(out, `"member":true,"price":10,"qty":2,"total":15}`) ||
		!strings.Contains(out, `"member":false,"price":10,"qty":2,"total":20}`) {
		t.Errorf("members should pay 15 and others 20:\n%s", out)
	}
}

func TestBadParameterIsAFlowFileError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	flowFile := "name: bad\ninput: [total, member]\nsteps:\n  - service: loyalty\n    with: {discount: 2}\n"
	if err := os.WriteFile(path, []byte(flowFile), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := flowrun(t, "validate", path)
	if code != 2 || !strings.Contains(out, path+":5:") || !strings.Contains(out, "want a fraction") {
		t.Errorf("exit %d, want 2 with a position:\n%s", code, out)
	}
}

// The example's test cases (orders_test.yaml) pass with its own services:
// CI runs them through this test.
func TestCases(t *testing.T) {
	code, out, errs := flowrun(t, "test", ".")
	if code != 0 {
		t.Errorf("flowrun test: exit %d\n%s%s", code, out, errs)
	}
}
