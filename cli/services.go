package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func (e *env) servicesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "services",
		Short: "List the services and decorators a flow file can use",
		Long: `services lists the registered services (a flow file's "service:" steps) and
decorators ("around:" steps) with their parameters, defaults, and the context
keys they expect and promise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.listServices(cmd.OutOrStdout())
		},
	}
}

func (e *env) listServices(w io.Writer) error {
	for i, d := range e.reg.Describe() {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return withCode(ExitFlowFailed, err)
			}
		}
		if _, err := io.WriteString(w, d.String()); err != nil {
			return withCode(ExitFlowFailed, fmt.Errorf("services: %w", err))
		}
	}
	return nil
}
