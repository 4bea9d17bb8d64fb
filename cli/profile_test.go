package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/cli"
)

// A run with --cpuprofile and --memprofile leaves both profiles, in pprof's
// gzipped format, once the command has ended.
func TestProfilesAreWritten(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	r := execute(t, `{"qty":2,"price":3}`+"\n", "run", "testdata/orders-simple.yaml", "--ui", "off",
		"--cpuprofile", cpu, "--memprofile", mem)
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, p := range []string{cpu, mem} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
			t.Errorf("%s: not a gzipped pprof profile (%d bytes)", filepath.Base(p), len(b))
		}
	}
}

// A profile that cannot be created is a usage error, before the command
// runs.
func TestProfileUnwritable(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "no", "such", "dir", "cpu.pprof")
	r := execute(t, "", "validate", "testdata/orders-simple.yaml", "--cpuprofile", bad)
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "--cpuprofile:") || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
}
