package cli_test

import (
	"strings"
	"testing"
)

// The --monitor flag's placeholder is ADDR, not the words of its usage
// (pflag takes a back-quoted word of the usage as the placeholder), and run
// and demo offer --exit-on-done.
func TestMonitorFlagHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"run", "demo"} {
		r := execute(t, "", cmd, "--help")
		if !strings.Contains(r.stdout, "--monitor ADDR ") || strings.Contains(r.stdout, "--monitor flowrun") {
			t.Errorf("%s --help:\n%s", cmd, r.stdout)
		}
		if !strings.Contains(r.stdout, "--exit-on-done") {
			t.Errorf("%s --help lacks --exit-on-done", cmd)
		}
	}
}
