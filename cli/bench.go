package cli

import "github.com/spf13/cobra"

func (e *env) benchCmd() *cobra.Command {
	return &cobra.Command{Use: "bench", Short: "Benchmark the runtime against hand-written channels (coming)", Hidden: true}
}
