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
// run by `flowrun run`, by the hand-written loop (Loop), and by Benthos if
// asked, each as a process, in turn, Rounds times.
type E2E struct {
	Exe     string   // the flowrun binary: it runs `run` and `bench --e2e-loop DIR`
	Benthos string   // a Benthos v4 binary (or Redpanda Connect's); "": none
	Env     []string // the processes' environment; nil: this process's
	Lines   int
	Rounds  int
	Dir     string // where the workload is written and kept; "": a temporary directory, removed after
}

// E2ERun is one process's measurement.
type E2ERun struct {
	Elapsed     time.Duration // wall clock, from start to exit
	CPU         time.Duration // user + system, all its threads
	MaxRSS      int64         // peak resident set, bytes
	LinesPerSec float64
}

// E2EProgram is one program's measurements, one per round.
type E2EProgram struct {
	Name string
	Runs []E2ERun
	// Ratios are flowrun run's lines/s ÷ this program's, per round (each
	// round's runs follow one another).
	Ratios []float64
}

// E2EResult is an end-to-end measurement: flowrun run first, then the loop,
// then Benthos when it was asked for.
type E2EResult struct {
	Lines    int
	Programs []E2EProgram
}

// The names of the programs MeasureE2E measures.
const (
	ProgramFlowrun = "flowrun run"
	ProgramLoop    = "hand-written loop (encoding/json, 1 goroutine)"
	ProgramBenthos = "Benthos (5 bloblang mappings)"
)

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

// MeasureE2E writes the workload and measures the programs, each round
// starting with another, and checks every output every round
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
	progs := []e2eProgram{
		{ProgramFlowrun, cfg.Exe, []string{"run", w.Flow, "--in", w.Input, "--out", w.RunOut(), "--ui", "off"}, w.RunOut(), w.CheckRun},
		{ProgramLoop, cfg.Exe, LoopArgs(dir), w.LoopOut(), w.CheckLoop},
	}
	if cfg.Benthos != "" {
		config, err := w.WriteBenthosConfig()
		if err != nil {
			return E2EResult{}, err
		}
		progs = append(progs, e2eProgram{ProgramBenthos, cfg.Benthos, []string{"-c", config}, w.BenthosOut(), w.CheckValues})
	}
	res := E2EResult{Lines: cfg.Lines, Programs: make([]E2EProgram, len(progs))}
	for round := range max(cfg.Rounds, 1) {
		runs := make([]E2ERun, len(progs))
		for j := range progs {
			i := (round + j) % len(progs)
			p := progs[i]
			r, err := measureProcess(ctx, p.exe, cfg.Env, p.args, w.Lines, p.out)
			if err != nil {
				return res, err
			}
			if err := p.check(p.out); err != nil {
				return res, fmt.Errorf("%s: %w", p.name, err)
			}
			runs[i] = r
		}
		for i, p := range progs {
			rp := &res.Programs[i]
			rp.Name = p.name
			rp.Runs = append(rp.Runs, runs[i])
			rp.Ratios = append(rp.Ratios, runs[0].LinesPerSec/runs[i].LinesPerSec)
		}
	}
	return res, nil
}

// e2eProgram is how MeasureE2E runs and checks one program.
type e2eProgram struct {
	name  string
	exe   string
	args  []string
	out   string
	check func(path string) error
}

// measureProcess runs exe with args after removing out, and measures it.
func measureProcess(ctx context.Context, exe string, env, args []string, lines int, out string) (E2ERun, error) {
	if err := os.Remove(out); err != nil && !errors.Is(err, os.ErrNotExist) {
		return E2ERun{}, fmt.Errorf("bench: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return E2ERun{}, fmt.Errorf("bench: %s: %w", filepath.Base(exe), err)
	}
	watching, stop := context.WithCancel(ctx)
	peak := make(chan int64, 1)
	go func() { peak <- watchRSS(watching, cmd.Process.Pid) }()
	err := cmd.Wait()
	elapsed := time.Since(start)
	stop()
	hwm := <-peak
	if err != nil {
		return E2ERun{}, fmt.Errorf("bench: %s %v: %w\n%s", filepath.Base(exe), args, err, lastBytes(stderr.Bytes(), 2000))
	}
	r := E2ERun{Elapsed: elapsed, LinesPerSec: float64(lines) / elapsed.Seconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		r.MaxRSS = ru.Maxrss << 10 // KiB on Linux
		if runtime.GOOS == "darwin" {
			r.MaxRSS = ru.Maxrss // bytes there
		}
	}
	if hwm > 0 { // the child's own peak, without the parent's memory rusage counts (see watchRSS)
		r.MaxRSS = hwm
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
