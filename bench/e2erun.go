package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"
)

// E2E configures an end-to-end measurement: the workload of Lines lines,
// run by `flowrun run` and by the hand-written loop (Loop), each as a
// process of Exe, alternately, Rounds times.
type E2E struct {
	Exe    string   // the flowrun binary: it runs `run` and `bench --e2e-loop DIR`
	Env    []string // the processes' environment; nil: this process's
	Lines  int
	Rounds int
	Dir    string // where the workload is written; "": a temporary directory, removed after
}

// E2ERun is one process's measurement.
type E2ERun struct {
	Elapsed     time.Duration // wall clock, from start to exit
	CPU         time.Duration // user + system, all its threads
	MaxRSS      int64         // peak resident set, bytes
	LinesPerSec float64
}

// E2EResult is an end-to-end measurement: one run of each program per round.
type E2EResult struct {
	Lines     int
	Run, Loop []E2ERun  // `flowrun run`, the loop, per round
	Ratios    []float64 // run lines/s ÷ loop lines/s, per round
}

// LoopArgs are the arguments that make flowrun run Loop over dir's
// workload (RunLoop).
func LoopArgs(dir string) []string { return []string{"bench", "--e2e-loop", dir} }

// RunLoop runs Loop from dir's input.jsonl to its loop.jsonl.
func RunLoop(dir string) error {
	in, err := os.Open(filepath.Join(dir, "input.jsonl"))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(dir, "loop.jsonl"))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := Loop(in, out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// MeasureE2E writes the workload and measures both programs, alternating
// which goes first each round, and checks both outputs every round
// (ErrWrongWork when one is wrong).
func MeasureE2E(ctx context.Context, cfg E2E) (E2EResult, error) {
	dir := cfg.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "flowrun-bench-e2e-")
		if err != nil {
			return E2EResult{}, fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	w, err := WriteWorkload(dir, cfg.Lines)
	if err != nil {
		return E2EResult{}, err
	}
	res := E2EResult{Lines: cfg.Lines}
	runArgs := []string{"run", w.Flow, "--in", w.Input, "--out", w.RunOut(), "--ui", "off"}
	for round := range max(cfg.Rounds, 1) {
		var run, loop E2ERun
		measureRun := func() (err error) {
			run, err = measureProcess(ctx, cfg, w, w.RunOut(), runArgs)
			return err
		}
		measureLoop := func() (err error) {
			loop, err = measureProcess(ctx, cfg, w, w.LoopOut(), LoopArgs(dir))
			return err
		}
		first, second := measureRun, measureLoop
		if round%2 == 1 {
			first, second = second, first
		}
		if err := errors.Join(first(), second()); err != nil {
			return res, err
		}
		if err := errors.Join(w.CheckRun(w.RunOut()), w.CheckLoop(w.LoopOut())); err != nil {
			return res, err
		}
		res.Run, res.Loop = append(res.Run, run), append(res.Loop, loop)
		res.Ratios = append(res.Ratios, run.LinesPerSec/loop.LinesPerSec)
	}
	return res, nil
}

// measureProcess runs Exe with args after removing out, and measures it.
func measureProcess(ctx context.Context, cfg E2E, w Workload, out string, args []string) (E2ERun, error) {
	if err := os.Remove(out); err != nil && !errors.Is(err, os.ErrNotExist) {
		return E2ERun{}, fmt.Errorf("bench: %w", err)
	}
	cmd := exec.CommandContext(ctx, cfg.Exe, args...)
	cmd.Env = cfg.Env
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return E2ERun{}, fmt.Errorf("bench: %s %v: %w\n%s", filepath.Base(cfg.Exe), args, err, lastBytes(stderr.Bytes(), 2000))
	}
	r := E2ERun{Elapsed: elapsed, LinesPerSec: float64(w.Lines) / elapsed.Seconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		r.MaxRSS = ru.Maxrss << 10 // KiB on Linux
		if runtime.GOOS == "darwin" {
			r.MaxRSS = ru.Maxrss // bytes there
		}
	}
	return r, nil
}

func lastBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// MedianRun is the run with the median wall-clock time.
func MedianRun(rs []E2ERun) E2ERun {
	if len(rs) == 0 {
		return E2ERun{}
	}
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b E2ERun) int { return int(a.Elapsed - b.Elapsed) })
	return s[len(s)/2]
}

// PeakRSS is the largest MaxRSS of rs.
func PeakRSS(rs []E2ERun) int64 {
	var m int64
	for _, r := range rs {
		m = max(m, r.MaxRSS)
	}
	return m
}

// MedianOf is the median of xs (the lower middle one of an even count).
func MedianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}
