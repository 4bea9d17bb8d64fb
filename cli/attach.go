package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/serviceflow/serviceflow/monitor"
	"github.com/serviceflow/serviceflow/tui"
)

func (e *env) attachCmd() *cobra.Command {
	var (
		ui, token string
		refresh   time.Duration
		record    string
	)
	cmd := &cobra.Command{
		Use:   "attach ADDR",
		Short: "Watch and steer a flow that another flowrun serves with --monitor ADDR",
		Long: `attach shows a flow running in another process, started with
"flowrun run FLOW.yaml --monitor 127.0.0.1:7070" (or demo --monitor), in the
same monitor: the graph, services, events, dead letters and supervision tree,
with p to pause and resume its intake and R to replay its dead letters.
Quitting detaches: the flow keeps running until its own process ends it.

The endpoint listens on loopback only, since it can steer the flow; to watch
a flow on another machine, tunnel to it (ssh -L 7070:127.0.0.1:7070 host).
When the flow was started with a monitor token, give the same one: set
FLOWRUN_MONITOR_TOKEN (or --token, which other users may see in ps).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mode, err := uiMode(ui, e.stdout)
			if err != nil {
				return err
			}
			if err := checkRefresh(refresh); err != nil {
				return err
			}
			c := monitor.Dial(args[0], monitor.Token(monitorToken(token)))
			if err := c.Check(cmd.Context()); err != nil {
				return withCode(ExitFlowFailed, fmt.Errorf("attach: %w (is a flowrun serving --monitor %s?)", err, args[0]))
			}
			rec, closeRec, err := createRecord(record)
			if err != nil {
				return err
			}
			defer closeRec()
			return tui.Run(cmd.Context(), c, tui.Options{Mode: mode, Refresh: refresh, Out: e.stdout, In: e.stdin, Attached: true, Record: rec})
		},
	}
	cmd.Flags().StringVar(&ui, "ui", "auto", "monitor: auto, tui, plain or json")
	cmd.Flags().StringVar(&token, "token", "", "the endpoint's token (default $"+tokenEnv+")")
	addRecord(cmd.Flags(), &record)
	addRefresh(cmd.Flags(), &refresh)
	return cmd
}

// addMonitor adds --monitor, the loopback address to serve the flow's
// snapshots and controls on for flowrun attach, and --monitor-token.
func addMonitor(f *pflag.FlagSet, addr, token *string) {
	f.StringVar(addr, "monitor", "", "serve the flow on this loopback `ADDR` for \"flowrun attach ADDR\", e.g. 127.0.0.1:7070")
	f.StringVar(token, "monitor-token", "", "require this token of --monitor's clients, for use through a tunnel (default $"+tokenEnv+")")
}

// tokenEnv names the environment variable holding the monitor's token, the
// way to pass it that other users cannot see in ps.
const tokenEnv = "FLOWRUN_MONITOR_TOKEN"

// monitorToken is the flag's token, or else the environment's.
func monitorToken(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(tokenEnv)
}
