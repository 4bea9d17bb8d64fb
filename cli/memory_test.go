package cli

import (
	"os"
	"runtime/debug"
	"sync"
	"testing"
)

func TestGCLimitFollowsTheLiveHeap(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, runFloor},
		{10 << 20, runFloor},
		{14 << 20, runFloor},
		{100 << 20, 200<<20 + runSlack},
		{1 << 62, 1<<62 + runSlack},
	} {
		if got := gcLimit(c.live); got != c.want {
			t.Errorf("gcLimit(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}

// TestTuneGCRestores checks that overlapping runs leave the process's
// collector settings as they found them, only the first applying the
// run's and only the last restoring.
func TestTuneGCRestores(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: runs leave the collector alone, as tuned by the user")
	}
	// Not parallel: it reads the process-wide settings.
	percent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1)

	first := tuneGC()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("during a run GOGC is %d, want off", p)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			restore := tuneGC()
			restore()
			restore() // idempotent
		}()
	}
	wg.Wait()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("after overlapping runs ended, GOGC is %d while the first still runs, want off", p)
	}
	first()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("after the runs GOGC is %d, want 100", p)
	}
	if l := debug.SetMemoryLimit(-1); l != limit {
		t.Errorf("after the runs the memory limit is %d, want %d", l, limit)
	}
}
