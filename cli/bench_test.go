package cli_test

import (
	"strings"
	"testing"
)

// The bench command prints its table; the figures themselves are not
// checked (a test with timing asserts would flake), only that every case ran
// and was compared with its reference.
func TestBench(t *testing.T) {
	r := execute(t, "", "bench", "--inputs", "2000", "--rounds", "1")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"linear/channels", "linear/channels-batched", "linear/actors", "fork/channels", "fork/actors", "× linear/channels", "× fork/channels", "reference"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("bench table lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestBenchUsage(t *testing.T) {
	t.Parallel()
	if r := execute(t, "", "bench", "--inputs", "0"); r.code != 2 {
		t.Errorf("exit %d, want 2", r.code)
	}
}
