package cli

import (
	"fmt"
	"strings"

	"github.com/serviceflow/serviceflow/internal/engine"
)

// graphDOT draws p in Graphviz DOT: one node per Program node (a decorator
// as its Before and After nodes in a dashed cluster around the steps it
// wraps), an input and a results node, and the successor edges, labelled
// with the fork values.
func graphDOT(p *program) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(p.Name))
	b.WriteString("  rankdir=LR;\n  node [shape=box, style=rounded];\n")
	b.WriteString("  input [shape=circle, label=\"input\"];\n")
	dotSteps(&b, p, structure(p, 0, engine.End), "  ")
	b.WriteString("  results [shape=doublecircle, label=\"results\"];\n")
	fmt.Fprintf(&b, "  input -> %s;\n", dotID(entryOf(p)))
	for _, e := range programEdges(p) {
		fmt.Fprintf(&b, "  %s -> %s", dotID(e.from), dotID(e.to))
		if e.label != "" {
			fmt.Fprintf(&b, " [label=%s]", dotQuote(e.label))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func dotSteps(b *strings.Builder, p *program, steps []step, indent string) {
	for _, s := range steps {
		n := s.node
		switch n.Op {
		case engine.OpEnter:
			fmt.Fprintf(b, "%ssubgraph cluster_%d {\n", indent, s.index)
			fmt.Fprintf(b, "%s  label=%s; style=dashed;\n", indent, dotQuote(n.Name))
			fmt.Fprintf(b, "%s  %s [label=%s, shape=cds];\n", indent, dotID(s.index), dotQuote(n.Name+" before"))
			dotSteps(b, p, s.scope, indent+"  ")
			fmt.Fprintf(b, "%s  %s [label=%s, shape=cds];\n", indent, dotID(n.Exit), dotQuote(n.Name+" after"))
			fmt.Fprintf(b, "%s}\n", indent)
		case engine.OpFork:
			fmt.Fprintf(b, "%s%s [label=%s, shape=diamond];\n", indent, dotID(s.index), dotQuote(n.Name))
			for _, br := range s.branches {
				dotSteps(b, p, br.steps, indent)
			}
		default:
			fmt.Fprintf(b, "%s%s [label=%s];\n", indent, dotID(s.index), dotQuote(n.Name+annotation(n)))
		}
	}
}

func dotID(i int) string {
	if i == engine.End {
		return "results"
	}
	return fmt.Sprintf("n%d", i)
}

// dotQuote quotes s as a DOT string.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	return `"` + r.Replace(s) + `"`
}

// edge is one successor link of a Program.
type edge struct {
	from, to int // node indexes; engine.End for the results
	label    string
}

// programEdges lists p's successor links: a fork's branches (labelled with
// their values, "default" for the default branch), every other node's Next.
func programEdges(p *program) []edge {
	var es []edge
	for i, n := range p.Nodes {
		if n.Op == engine.OpFork {
			for _, br := range n.Branches {
				es = append(es, edge{i, br.Entry, br.Label})
			}
			if n.Default != engine.NoDefault {
				es = append(es, edge{i, n.Default, "default"})
			}
			continue
		}
		es = append(es, edge{i, n.Next, ""})
	}
	return es
}

// entryOf is p's first node, or End for an empty program.
func entryOf(p *program) int {
	if len(p.Nodes) == 0 {
		return engine.End
	}
	return 0
}
