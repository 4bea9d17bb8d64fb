package cli

import (
	"fmt"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

// graphText draws p as an indented tree:
//
//	orders
//	├─ around(timer)
//	│  ├─ parse
//	│  └─ fork(kind)
//	│     ├─ book
//	│     │  └─ price-book
//	│     └─ default
//	│        └─ reject
//	└─ results
func graphText(p *program) string {
	var b strings.Builder
	b.WriteString(p.Name + "\n")
	steps := structure(p, 0, engine.End)
	textSteps(&b, steps, "", true)
	return b.String()
}

func textSteps(b *strings.Builder, steps []step, indent string, top bool) {
	for i, s := range steps {
		last := i == len(steps)-1 && !top
		textLine(b, indent, last, s.node.Name+annotation(s.node))
		child := indent + pick(last, "   ", "│  ")
		for j, br := range s.branches {
			blast := j == len(s.branches)-1
			textLine(b, child, blast, br.label)
			if len(br.steps) == 0 {
				textLine(b, child+pick(blast, "   ", "│  "), true, "(nothing: continues after the fork)")
			}
			textSteps(b, br.steps, child+pick(blast, "   ", "│  "), false)
		}
		textSteps(b, s.scope, child, false)
	}
	if top {
		textLine(b, indent, true, "results")
	}
}

func textLine(b *strings.Builder, indent string, last bool, text string) {
	b.WriteString(indent)
	b.WriteString(pick(last, "└─ ", "├─ "))
	b.WriteString(text)
	b.WriteByte('\n')
}

// annotation describes a service's stage options, " [×4, timeout 1s]".
func annotation(n *engine.Node[*flow.Context]) string {
	if n.Op != engine.OpCall {
		return ""
	}
	var parts []string
	if n.Config.Concurrency > 1 {
		parts = append(parts, fmt.Sprintf("×%d", n.Config.Concurrency))
	}
	if n.Config.AffinityKey != "" {
		parts = append(parts, "by "+n.Config.AffinityKey)
	}
	if n.Config.Timeout > 0 {
		parts = append(parts, "timeout "+n.Config.Timeout.String())
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}
