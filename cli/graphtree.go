package cli

import (
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

// step is one node of a flow's structure, as graph shows it: a service,
// a fork with its branches, or a decorator with the steps it wraps.
type step struct {
	index    int // the Program node; for a decorator, its enter node
	node     *engine.Node[*flow.Context]
	branches []branch // a fork's branches, the default last
	scope    []step   // a decorator's wrapped steps
}

// branch is one branch of a fork.
type branch struct {
	label string // the value, or "default"
	entry int    // its first node
	steps []step
}

// structure recovers the nested structure of p from its successor links:
// the steps from node from until node stop (exclusive).
func structure(p *program, from, stop int) []step {
	var out []step
	for i, guard := from, 0; i != stop && i != engine.End && i >= 0 && i < len(p.Nodes) && guard <= len(p.Nodes); guard++ {
		n := &p.Nodes[i]
		s := step{index: i, node: n}
		switch n.Op {
		case engine.OpFork:
			for _, b := range n.Branches {
				s.branches = append(s.branches, branch{label: b.Label, entry: b.Entry, steps: structure(p, b.Entry, n.Next)})
			}
			if n.Default != engine.NoDefault {
				s.branches = append(s.branches, branch{label: "default", entry: n.Default, steps: structure(p, n.Default, n.Next)})
			}
			i = n.Next
		case engine.OpEnter:
			s.scope = structure(p, n.Next, n.Exit)
			i = p.Nodes[n.Exit].Next
		default:
			i = n.Next
		}
		out = append(out, s)
	}
	return out
}
