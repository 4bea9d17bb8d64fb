package bench

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

func TestVMHWM(t *testing.T) {
	for _, tc := range []struct {
		status string
		want   int64
	}{
		{"Name:\tcat\nVmPeak:\t  9000 kB\nVmHWM:\t    1936 kB\nVmRSS:\t 1936 kB\n", 1936 << 10},
		{"VmHWM:\t0 kB\n", 0},
		{"Name:\tzombie\nState:\tZ (zombie)\n", 0},
		{"VmHWM:\tmany kB\n", 0},
		{"", 0},
	} {
		if got := vmHWM([]byte(tc.status)); got != tc.want {
			t.Errorf("vmHWM(%q) = %d, want %d", tc.status, got, tc.want)
		}
	}
}

// TestWatchRSSIsTheChildsOwn starts a small child from a parent holding far
// more memory: rusage reports the parent's size for it, watchRSS the child's.
func TestWatchRSSIsTheChildsOwn(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: watchRSS measures nothing here, and MeasureE2E keeps rusage's figure")
	}
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Skip("no cat to start")
	}
	held := make([]byte, 256<<20)
	for i := 0; i < len(held); i += 4096 {
		held[i] = 1
	}
	cmd := exec.Command(cat)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Once cat echoes a line it is loaded and running, not just exec'd.
	if _, err := in.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	done, stop := context.WithCancel(context.Background())
	stop() // one read, while cat waits for more input
	own := watchRSS(done, cmd.Process.Pid)
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	t.Logf("cat: own peak %d KiB, rusage %d KiB, parent holds %d KiB", own>>10, ru.Maxrss, len(held)>>10)
	if own < 64<<10 || own >= 64<<20 {
		t.Fatalf("watchRSS = %d bytes for cat, want its own few MiB", own)
	}
	if held[0] != 1 {
		t.Fatal("unreachable: keeps held alive")
	}
}
