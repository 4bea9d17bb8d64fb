package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/monitor"
	"github.com/serviceflow/serviceflow/snapshot"
)

func (e *env) tapCmd() *cobra.Command {
	var (
		n        int
		asJSON   bool
		token    string
		interval time.Duration
	)
	cmd := &cobra.Command{
		Use:   "tap ADDR STAGE",
		Short: "Print a sample of the contexts going through a stage of a flow served with --monitor",
		Long: `tap samples the contexts going through one service stage of a flow that
another flowrun serves with --monitor ADDR, as the monitor's t does: each
with its input, attempt, time spent and the keys the call changed (before →
after). Sampling is bounded on the flow's side (at most 20 contexts a second,
values previewed in 120 bytes), and the tap closes by itself 5 s after the
last poll. It prints --n samples (0: until interrupted); --json prints each
as a JSON line, for scripts:

  {"seq":1,"time":"...","stage":"price","input":7,"attempt":1,"took":"2ms",
   "before":{"qty":"2"},"after":{"qty":"2","total":"19.9"},"err":""}

The monitor token, if the flow has one, comes from FLOWRUN_MONITOR_TOKEN or
--token.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 0 {
				return usageError("tap: --n must not be negative")
			}
			if err := checkRefresh(interval); err != nil {
				return err
			}
			c := monitor.Dial(args[0], monitor.Token(monitorToken(token)))
			return tapLoop(cmd.Context(), c, args[1], n, interval, e.stdout, asJSON)
		},
	}
	cmd.Flags().IntVar(&n, "n", 20, "samples to print; 0 means until interrupted")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print each sample as a JSON line")
	cmd.Flags().StringVar(&token, "token", "", "the flow's monitor token (default $"+tokenEnv+")")
	cmd.Flags().DurationVar(&interval, "refresh", 250*time.Millisecond, "how often to poll the tap")
	return cmd
}

// tapLoop polls the tap on stage until it printed n samples (n > 0) or ctx
// is done.
func tapLoop(ctx context.Context, t snapshot.Tapper, stage string, n int, every time.Duration, w io.Writer, asJSON bool) error {
	var since uint64
	printed := 0
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		samples, err := t.Tap(ctx, stage, since)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, snapshot.ErrNoStage):
			return withCode(ExitUsage, fmt.Errorf("tap: %w", err))
		case err != nil:
			return withCode(ExitFlowFailed, fmt.Errorf("tap: %w", err))
		}
		for _, s := range samples {
			since = s.Seq
			if err := printSample(w, s, asJSON); err != nil {
				return withCode(ExitFlowFailed, fmt.Errorf("tap: %w", err))
			}
			if printed++; n > 0 && printed == n {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func printSample(w io.Writer, s snapshot.Sample, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s #%d attempt %d took %v", s.Time.Format("15:04:05.000"), s.Input, s.Attempt, s.Took)
	if s.Err != "" {
		fmt.Fprintf(&b, " error %q", s.Err)
	}
	for _, k := range s.Changed() {
		before, had := s.Before[k]
		after, has := s.After[k]
		if !had {
			before = "(unset)"
		}
		if !has {
			after = "(deleted)"
		}
		fmt.Fprintf(&b, "\n  %s: %s → %s", k, before, after) // JSON previews: escaped
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}
