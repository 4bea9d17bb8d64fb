// Package bench measures the actor runtime against the reference: a
// hand-written pipeline of goroutines and buffered channels doing the same
// work on the same *flow.Context values, in the same process.
//
// Every pipeline moves inputs through five trivial services, each reading the
// key "v" and writing v+1: in a line ("linear") or through a fork
// ("fork": one stage, a fork on "kind" to two branches of two stages each,
// then one stage after the join). Cases names them:
//
//	linear/channels          goroutine per stage, one context per channel send
//	linear/channels-batched  the same, passing batches of 64
//	linear/actors            actors.Start on the same flow
//	fork/channels            goroutines: stage, fork, two branches, join, stage
//	fork/channels-batched    the same, passing batches of 64 (split by the fork)
//	fork/actors              actors.Start on the same flow
//
// Both `go test ./actors -bench Pipeline` and `flowrun bench` use it.
package bench

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Pipeline is an open pipeline that inputs can be pushed through.
type Pipeline interface {
	// Run pushes n inputs through and returns when all n came out.
	Run(n int) error
	// Close stops the pipeline's goroutines.
	Close() error
}

// Cases lists the pipelines by name, references first.
func Cases() []string {
	return []string{"linear/channels", "linear/channels-batched", "linear/actors", "fork/channels", "fork/channels-batched", "fork/actors"}
}

// Reference is the name of the case a case is compared with: the
// channels of its shape.
func Reference(name string) string {
	switch name {
	case "fork/channels", "fork/channels-batched", "fork/actors":
		return "fork/channels"
	case "linear/channels", "linear/channels-batched", "linear/actors":
		return "linear/channels"
	}
	shape, _, _ := strings.Cut(name, "/")
	return shape + "/channels"
}

// Open starts the named pipeline: one of Cases or ScaleCases.
func Open(ctx context.Context, name string) (Pipeline, error) {
	switch name {
	case "linear/channels":
		return openChannels(), nil
	case "linear/channels-batched":
		return openBatched(64), nil
	case "fork/channels":
		return openForkChannels(), nil
	case "fork/channels-batched":
		return openForkBatched(64), nil
	case "linear/actors":
		return openActors(ctx, false)
	case "fork/actors":
		return openActors(ctx, true)
	}
	return openScale(ctx, name)
}

// Result is one measurement.
type Result struct {
	Name           string
	Inputs         int
	Elapsed        time.Duration
	NsPerInput     float64
	InputsPerSec   float64
	AllocsPerInput float64
	// CPUNsPerInput is the process's CPU time (user+system, all threads)
	// per input: on a shared, noisy machine it varies far less than the
	// wall-clock figures, which depend on what else runs.
	CPUNsPerInput float64
}

// Measure opens the named pipeline, warms it up, and times n inputs through
// it, counting allocations.
func Measure(ctx context.Context, name string, n int) (Result, error) {
	p, err := Open(ctx, name)
	if err != nil {
		return Result{}, err
	}
	defer p.Close()
	if err := p.Run(min(n, 10_000)); err != nil {
		return Result{}, err
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := CPUTime()
	start := time.Now()
	if err := p.Run(n); err != nil {
		return Result{}, err
	}
	elapsed := time.Since(start)
	cpu := CPUTime() - cpu0
	runtime.ReadMemStats(&after)
	return Result{
		Name:           name,
		Inputs:         n,
		Elapsed:        elapsed,
		NsPerInput:     float64(elapsed.Nanoseconds()) / float64(n),
		InputsPerSec:   float64(n) / elapsed.Seconds(),
		AllocsPerInput: float64(after.Mallocs-before.Mallocs) / float64(n),
		CPUNsPerInput:  float64(cpu.Nanoseconds()) / float64(n),
	}, nil
}

// Median measures name rounds times and returns the run with the median
// time: this machine is shared and noisy, so one run means little.
func Median(ctx context.Context, name string, n, rounds int) (Result, error) {
	var rs []Result
	for range max(rounds, 1) {
		r, err := Measure(ctx, name, n)
		if err != nil {
			return Result{}, err
		}
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b Result) int { return int(a.Elapsed - b.Elapsed) })
	return rs[len(rs)/2], nil
}

// CPUTime is the process's user and system CPU time so far, all threads:
// benchmarks report its growth per input next to the wall-clock figure.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Compare measures every named case rounds times, the cases alternating
// within each round (so a reference and the runtime see the same moments of
// the machine's other load), and returns per case the round with the
// median time, in names' order.
func Compare(ctx context.Context, names []string, n, rounds int) ([]Result, error) {
	runs := make([][]Result, len(names))
	for range max(rounds, 1) {
		for i, name := range names {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r, err := Measure(ctx, name, n)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			runs[i] = append(runs[i], r)
		}
	}
	out := make([]Result, len(names))
	for i, rs := range runs {
		slices.SortFunc(rs, func(a, b Result) int { return int(a.Elapsed - b.Elapsed) })
		out[i] = rs[len(rs)/2]
	}
	return out, nil
}
