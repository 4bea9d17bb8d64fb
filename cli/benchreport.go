package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/serviceflow/serviceflow/bench"
)

// benchFailed is bench's error: interrupted, or a case that failed.
func benchFailed(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return withCode(ExitInterrupted, fmt.Errorf("bench: %w", err))
	}
	return withCode(ExitFlowFailed, fmt.Errorf("bench: %w", err))
}

// benchLatency prints the latency section: the linear flow under a paced
// source at half the actors' maximum rate, actors against channels.
func benchLatency(ctx context.Context, w io.Writer, inputs, rounds int) error {
	ls, err := bench.CompareLatency(ctx, inputs, rounds)
	if err != nil {
		return benchFailed(ctx, err)
	}
	fmt.Fprintf(w, "\nlatency, source paced at %.0f inputs/s (half the actors' maximum), from hand-over to output:\n", ls[0].Rate)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "case\tsent/s\tp50\tp90\tp99\tp99.9\tmax\tp99 vs channels\n")
	var ref time.Duration
	for _, l := range ls {
		vs := "reference"
		if l.Name == "linear/channels" {
			ref = l.P99
		} else if ref > 0 {
			vs = fmt.Sprintf("%.2f× (lower is better)", float64(l.P99)/float64(ref))
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%v\t%v\t%v\t%v\t%v\t%s\n", l.Name, l.Achieved, round(l.P50), round(l.P90), round(l.P99), round(l.P999), round(l.Max), vs)
	}
	if err := tw.Flush(); err != nil {
		return benchFailed(ctx, err)
	}
	_, err = fmt.Fprintf(w, "%d inputs per case, the round with the median p99 of %d\n", inputs, rounds)
	return err
}

// benchScale prints how cost grows, each case against channels of its shape.
func benchScale(ctx context.Context, w io.Writer, inputs, rounds int) error {
	results, err := bench.Compare(ctx, bench.ScaleCases(runtime.GOMAXPROCS(0)), inputs, rounds)
	if err != nil {
		return benchFailed(ctx, err)
	}
	fmt.Fprintf(w, "\nhow cost grows (stagesN: N stages; forkW: W branches; keysK: K keys per input; cpuC: a CPU-bound stage with Concurrency(C)):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "case\tinputs/s\tns/input\tCPU ns/input\tallocs/input\tvs channels\n")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.1f\t%s\n", r.Name, r.InputsPerSec, r.NsPerInput, r.CPUNsPerInput, r.AllocsPerInput, ratios(r, results))
	}
	if err := tw.Flush(); err != nil {
		return benchFailed(ctx, err)
	}
	_, err = fmt.Fprintf(w, "%d inputs per case, median of %d alternating rounds\n", inputs, rounds)
	return err
}

// round shortens a latency for the table.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= 10*time.Microsecond:
		return d.Round(100 * time.Nanosecond)
	}
	return d
}

// cpuRatio is how much less CPU per input r took than ref (higher is
// better): steadier than the wall-clock ratio when other processes load
// the machine.
func cpuRatio(r, ref bench.Result) float64 {
	if r.CPUNsPerInput <= 0 {
		return 0
	}
	return ref.CPUNsPerInput / r.CPUNsPerInput
}

// printLoad says the machine's load average where the system tells it
// (Linux): the figures are only comparable with it.
func printLoad(w io.Writer) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return
	}
	fmt.Fprintf(w, "load average %s %s %s (other processes move wall-clock figures; CPU per input moves less)\n", f[0], f[1], f[2])
}
