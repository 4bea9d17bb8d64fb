package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

// graphFormats draw a compiled flow.
var graphFormats = map[string]func(*program) string{
	"text":    graphText,
	"dot":     graphDOT,
	"mermaid": graphMermaid,
}

func (e *env) graphCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graph FLOW.yaml",
		Short: "Draw a flow file's graph as text, Graphviz DOT or Mermaid",
		Long: `graph draws the graph of a flow file, as the monitor shows it: every stage,
forks with their branches, decorators around the steps they wrap.

  flowrun graph orders.yaml                           # an indented tree
  flowrun graph orders.yaml --format dot | dot -Tsvg > orders.svg
  flowrun graph orders.yaml --format mermaid          # for Markdown`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			draw, ok := graphFormats[format]
			if !ok {
				return usageError("graph: --format %q: want text, dot or mermaid", format)
			}
			f, err := e.load(args[0], e.stderr, false)
			if err != nil {
				return err
			}
			return writeGraph(cmd.OutOrStdout(), f.Flow, draw)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text, dot or mermaid")
	return cmd
}

func writeGraph(w io.Writer, f *flow.Flow, draw func(*program) string) error {
	p, err := engine.Compile[*flow.Flow, *flow.Context](f)
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("graph: %w", err))
	}
	if _, err := io.WriteString(w, draw(p)); err != nil {
		return withCode(ExitFlowFailed, fmt.Errorf("graph: %w", err))
	}
	return nil
}

// program is a compiled flow, as the graph drawings read it.
type program = engine.Program[*flow.Context]
