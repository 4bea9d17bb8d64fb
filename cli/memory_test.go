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

// TestLiveEstimateLeavesOutAHeldUpCollection checks that one collection
// reporting a large live heap (what a mark phase held up on a loaded
// machine counts) does not raise the estimate, that a live heap that stays
// large does after liveCycles collections, that a smaller one is followed
// at once, and that so is a larger one when the heap presses against its
// limit (collections that allocate less than half the live heap apart).
func TestLiveEstimateLeavesOutAHeldUpCollection(t *testing.T) {
	var e liveEstimate
	if got := e.observe(heapSample{}); got != 0 {
		t.Fatalf("before any collection the estimate is %d, want 0", got)
	}
	const mb = 1 << 20
	steps := []struct {
		gcs, live, allocs, want uint64 // allocs, live and want in MB
	}{
		{1, 8, 20, 8},
		{2, 9, 40, 8},
		{2, 9, 45, 8}, // the same collection again: nothing new
		{3, 7, 60, 7},
		{4, 29, 80, 7}, // held up: left out
		{5, 8, 100, 7},
		{6, 9, 120, 7},
		{7, 10, 140, 8}, // 7 MB is liveCycles collections old
		{8, 40, 160, 8}, // the live heap really grows...
		{9, 40, 200, 9},
		{10, 40, 240, 10},
		{11, 40, 280, 40}, // ...and is followed after liveCycles collections
		{12, 3, 290, 3},   // a smaller one at once
		{20, 5, 370, 3},   // collections between samples: numbers may skip
		{21, 30, 384, 30}, // 14 MB allocated since the last collection, under half of 30 live: pressed
		{22, 50, 410, 30}, // 26 MB, not under half of 50: not pressed
		{24, 80, 430, 80}, // 13 MB a collection: pressed
	}
	for i, s := range steps {
		got := e.observe(heapSample{gcs: s.gcs, live: s.live * mb, allocs: s.allocs * mb})
		if got != s.want*mb {
			t.Errorf("step %d: after collection %d with %d MB live the estimate is %d MB, want %d MB",
				i, s.gcs, s.live, got/mb, s.want)
		}
	}
}
