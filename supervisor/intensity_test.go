package supervisor

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestIntensityWindow(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	type step struct {
		at       time.Duration
		wantOK   bool
		wantUsed int
	}
	tests := []struct {
		name   string
		max    int
		within time.Duration
		steps  []step
	}{
		{
			name: "max+1th inside the window exceeds", max: 3, within: 10 * time.Second,
			steps: []step{
				{0, true, 1}, {time.Second, true, 2}, {2 * time.Second, true, 3},
				{3 * time.Second, false, 3}, {9 * time.Second, false, 3},
			},
		},
		{
			name: "oldest leaves the window exactly at Within", max: 2, within: 10 * time.Second,
			steps: []step{
				{0, true, 1}, {5 * time.Second, true, 2},
				{10*time.Second - 1, false, 2},
				{10 * time.Second, true, 2}, // the restart at 0 has left
				{14 * time.Second, false, 2},
				{15 * time.Second, true, 2},
			},
		},
		{
			name: "slow failures never exceed", max: 1, within: time.Second,
			steps: []step{{0, true, 1}, {time.Second, true, 1}, {2 * time.Second, true, 1}, {10 * time.Second, true, 1}},
		},
		{
			name: "window empties after a long pause", max: 2, within: time.Second,
			steps: []step{{0, true, 1}, {100 * time.Millisecond, true, 2}, {time.Hour, true, 1}},
		},
		{
			name: "negative max allows no restart", max: -1, within: time.Second,
			steps: []step{{0, false, 0}, {time.Hour, false, 0}},
		},
		{
			name: "ring wraps many times", max: 3, within: 3 * time.Second,
			steps: func() []step {
				var s []step
				for i := range 20 {
					used := min(i+1, 3)
					s = append(s, step{time.Duration(i) * time.Second, true, used})
				}
				return s
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := newIntensity(tt.max, tt.within)
			for i, st := range tt.steps {
				if ok := in.Record(at(st.at)); ok != st.wantOK {
					t.Fatalf("step %d: Record(+%v) = %v, want %v", i, st.at, ok, st.wantOK)
				}
				if used := in.Used(at(st.at)); used != st.wantUsed {
					t.Fatalf("step %d: Used(+%v) = %d, want %d", i, st.at, used, st.wantUsed)
				}
			}
			if len(in.ring) != max(tt.max, 0) {
				t.Errorf("ring has %d slots, want %d", len(in.ring), tt.max)
			}
		})
	}
}

func TestIntensityZeroValueUsesDefaults(t *testing.T) {
	t.Parallel()
	var in intensity
	if m, w := in.Limits(); m != DefaultMaxRestarts || w != DefaultWithin {
		t.Fatalf("Limits() = %d, %v; want %d, %v", m, w, DefaultMaxRestarts, DefaultWithin)
	}
	now := time.Now()
	for i := range DefaultMaxRestarts {
		if !in.Record(now) {
			t.Fatalf("restart %d refused", i+1)
		}
	}
	if in.Record(now) {
		t.Fatal("restart 21 within the window allowed")
	}
	in.Reset()
	if got := in.Used(now); got != 0 {
		t.Fatalf("Used after Reset = %d", got)
	}
	if !in.Record(now) {
		t.Fatal("Record after Reset refused")
	}
}

func TestIntensityConcurrent(t *testing.T) {
	t.Parallel()
	in := newIntensity(100, time.Hour)
	now := time.Now()
	var (
		wg sync.WaitGroup
		mu sync.Mutex
		ok int
	)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if in.Record(now) {
					mu.Lock()
					ok++
					mu.Unlock()
				}
				in.Used(now)
			}
		})
	}
	wg.Wait()
	if ok != 100 {
		t.Fatalf("%d restarts allowed, want exactly 100", ok)
	}
}

// TestIntensityAllocatesInProportionToUse checks that a huge budget costs
// nothing until restarts happen: 2^33 restarts used to allocate a window
// of 2^33 timestamps up front and kill the process.
func TestIntensityAllocatesInProportionToUse(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	in := newIntensity(1<<33, time.Minute)
	t0 := time.Unix(0, 0)
	for k := range 100 {
		if !in.Record(t0.Add(time.Duration(k) * time.Millisecond)) {
			t.Fatalf("restart %d refused", k)
		}
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("allocated %d bytes for 100 restarts", n)
	}
	if got := in.Used(t0.Add(time.Second)); got != 100 {
		t.Errorf("Used = %d, want 100", got)
	}
	// The window still slides: the oldest leave first, in order.
	if got := in.Used(t0.Add(time.Minute + 50*time.Millisecond)); got != 49 {
		t.Errorf("Used after a minute = %d, want 49", got)
	}
}

// TestIntensityGrowsAndWraps checks the ring's order across growth while
// it has wrapped.
func TestIntensityGrowsAndWraps(t *testing.T) {
	in := newIntensity(20, 10*time.Millisecond)
	t0 := time.Unix(0, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for ms := range 6 { // fill 6 of the first ring of 8
		in.Record(at(ms))
	}
	if got := in.Used(at(13)); got != 2 { // 0..3 expired; head moved
		t.Fatalf("Used = %d, want 2", got)
	}
	for ms := 13; ms < 23; ms++ { // 2 + 10 = 12: wraps, then grows
		if !in.Record(at(ms)) {
			t.Fatalf("refused at %d", ms)
		}
	}
	if got := in.Used(at(22)); got != 10 { // 4, 5 expired at 14, 15
		t.Errorf("Used = %d, want 10", got)
	}
	if got := in.Used(at(31)); got != 1 { // 22 remains
		t.Errorf("Used = %d, want 1", got)
	}
}
