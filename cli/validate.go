package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (e *env) validateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FLOW.yaml",
		Short: "Check a flow file: every problem with file:line:column",
		Long: `validate loads a flow file and checks its wiring without running it: YAML
syntax, unknown fields and services, bad parameters, expressions that do not
compile, keys a step expects that nothing upstream sets on every path, forks
on keys never set, duplicate names, empty branches. It prints every problem
with its file:line:column and exits 2 when there is any, or prints "ok".`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := e.load(args[0], cmd.OutOrStdout(), true); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", args[0])
			return nil
		},
	}
}
