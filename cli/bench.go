package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/bench"
)

func (e *env) benchCmd() *cobra.Command {
	var inputs, rounds int
	var e2e e2eFlags
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the actor runtime against hand-written channel pipelines",
		Long: `bench pushes inputs through five trivial services (each reads v and writes
v+1), in a line and through a fork, on the actor runtime and on hand-written
pipelines of goroutines and buffered channels doing the same work on the same
contexts, in this process, and prints inputs/s, ns/input, CPU ns/input,
allocations/input and each runtime's cost as a multiple of the channel
references'. Then the latency of the line under a paced source at half the
actors' maximum rate (--inputs/3 inputs), and how cost grows with stages,
fork width, keys per input and a CPU-bound stage's concurrency
(--inputs/10 inputs per case), each against channels built the same way.
Cases alternate within each of --rounds rounds; medians are shown. The
machine's other load moves wall-clock figures; CPU ns/input moves less.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if inputs < 1 || rounds < 1 {
				return usageError("bench: --inputs and --rounds must be at least 1")
			}
			if ok, err := e2e.run(cmd.Context(), cmd.OutOrStdout(), rounds); ok {
				return err
			}
			return runBench(cmd.Context(), cmd.OutOrStdout(), inputs, rounds)
		},
	}
	cmd.Flags().IntVar(&inputs, "inputs", 300_000, "inputs per measurement")
	cmd.Flags().IntVar(&rounds, "rounds", 3, "measurements per case; the median is shown")
	e2e.add(cmd)
	return cmd
}

func runBench(ctx context.Context, w io.Writer, inputs, rounds int) error {
	results, err := bench.Compare(ctx, bench.Cases(), inputs, rounds)
	if err != nil {
		return benchFailed(ctx, err)
	}
	printLoad(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "case\tinputs/s\tns/input\tCPU ns/input\tallocs/input\tvs channels\n")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.1f\t%s\n", r.Name, r.InputsPerSec, r.NsPerInput, r.CPUNsPerInput, r.AllocsPerInput, ratios(r, results))
	}
	if err := tw.Flush(); err != nil {
		return withCode(ExitFlowFailed, fmt.Errorf("bench: %w", err))
	}
	if _, err := fmt.Fprintf(w, "%d inputs per case, median of %d alternating rounds; ratio = inputs/s ÷ the reference's, CPU = the reference's CPU per input ÷ this one's (higher is better; 1.00× = as fast as hand-written channels)\n", inputs, rounds); err != nil {
		return err
	}
	if err := benchLatency(ctx, w, max(inputs/3, 1), rounds); err != nil {
		return err
	}
	return benchScale(ctx, w, max(inputs/10, 1), rounds)
}

// ratios compares r with the channel references of its shape ("linear" or
// "fork"), "reference" for a reference itself.
func ratios(r bench.Result, all []bench.Result) string {
	shape, _, _ := strings.Cut(r.Name, "/")
	if strings.Contains(r.Name, "/channels") {
		return "reference"
	}
	var parts []string
	for _, ref := range all {
		refShape, _, _ := strings.Cut(ref.Name, "/")
		if refShape != shape || !strings.Contains(ref.Name, "/channels") || ref.NsPerInput <= 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%.2f× %s (CPU %.2f×)", r.InputsPerSec/ref.InputsPerSec, ref.Name, cpuRatio(r, ref)))
	}
	return strings.Join(parts, ", ")
}
