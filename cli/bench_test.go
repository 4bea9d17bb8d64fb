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

// bench --e2e runs flowrun run and the hand-written loop as processes of
// this binary (the test binary, flowrun with FLOWRUN_AS_MAIN) and checks
// both outputs; only that it ran and compared them is checked here.
func TestBenchE2E(t *testing.T) {
	t.Setenv(asMain, "1")
	r := execute(t, "", "bench", "--e2e", "--lines", "300", "--rounds", "2")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"flowrun run ", "hand-written loop", "flowrun run ÷ it", "MiB", "300 lines", "every output checked"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("bench --e2e output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := execute(t, "", "bench", "--e2e", "--lines", "0"); r.code != 2 {
		t.Errorf("--lines 0: exit %d, want 2", r.code)
	}
}

// The bench command also prints the latency and scaling sections, every
// case against its channel reference.
func TestBenchLatencyAndScale(t *testing.T) {
	r := execute(t, "", "bench", "--inputs", "1500", "--rounds", "1")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"latency, source paced at", "p99 vs channels", "× (lower is better)", "how cost grows",
		"stages50/actors", "fork32/actors", "keys256/actors", "cpu1/actors", "× stages50/channels", "× keys256/channels"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("bench output lacks %q:\n%s", want, r.stdout)
		}
	}
}
