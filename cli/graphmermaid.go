package cli

import (
	"fmt"
	"strings"

	"github.com/serviceflow/serviceflow/internal/engine"
)

// graphMermaid draws p as a Mermaid flowchart, with the same nodes, clusters
// and edges as graphDOT.
func graphMermaid(p *program) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	fmt.Fprintf(&b, "  %%%% flow %s\n", mermaidQuote(p.Name))
	b.WriteString("  input((\"input\"))\n")
	mermaidSteps(&b, structure(p, 0, engine.End), "  ")
	b.WriteString("  results(((\"results\")))\n")
	fmt.Fprintf(&b, "  input --> %s\n", dotID(entryOf(p)))
	for _, e := range programEdges(p) {
		if e.label != "" {
			fmt.Fprintf(&b, "  %s -->|%s| %s\n", dotID(e.from), mermaidQuote(e.label), dotID(e.to))
			continue
		}
		fmt.Fprintf(&b, "  %s --> %s\n", dotID(e.from), dotID(e.to))
	}
	return b.String()
}

func mermaidSteps(b *strings.Builder, steps []step, indent string) {
	for _, s := range steps {
		n := s.node
		switch n.Op {
		case engine.OpEnter:
			fmt.Fprintf(b, "%ssubgraph s%d[%s]\n", indent, s.index, mermaidQuote(n.Name))
			fmt.Fprintf(b, "%s  %s[/%s/]\n", indent, dotID(s.index), mermaidQuote(n.Name+" before"))
			mermaidSteps(b, s.scope, indent+"  ")
			fmt.Fprintf(b, "%s  %s[\\%s\\]\n", indent, dotID(n.Exit), mermaidQuote(n.Name+" after"))
			fmt.Fprintf(b, "%send\n", indent)
		case engine.OpFork:
			fmt.Fprintf(b, "%s%s{%s}\n", indent, dotID(s.index), mermaidQuote(n.Name))
			for _, br := range s.branches {
				mermaidSteps(b, br.steps, indent)
			}
		default:
			fmt.Fprintf(b, "%s%s[%s]\n", indent, dotID(s.index), mermaidQuote(n.Name+annotation(n)))
		}
	}
}

// mermaidQuote quotes s as a Mermaid string: double quotes become the
// #quot; entity, and characters Mermaid treats as markup are escaped too.
func mermaidQuote(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "\n", " ", "\r", "", "|", "#124;", "`", "#96;")
	return `"` + r.Replace(s) + `"`
}
