package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// treeLine is one line of the supervision tree; stage is set on a stage's
// line so enter can open its detail pane.
type treeLine struct {
	text  string
	stage string
}

// treeLines draws the supervision tree: each supervisor with its strategy
// and restart budget (restarts used of MaxRestarts within Within), then its
// children.
func treeLines(f frame) []treeLine {
	s, st := f.snap, f.st
	sups := make(map[string]*snapshot.Supervisor, len(s.Supervisors))
	for i := range s.Supervisors {
		sups[s.Supervisors[i].Name] = &s.Supervisors[i]
	}
	stages := make(map[string]*snapshot.Stage, len(s.Stages))
	for i := range s.Stages {
		stages[s.Stages[i].Name] = &s.Stages[i]
	}
	var out []treeLine
	seen := map[string]bool{}
	var walk func(sup *snapshot.Supervisor, prefix, branch string)
	walk = func(sup *snapshot.Supervisor, prefix, branch string) {
		seen[sup.Name] = true
		line := treeLine{text: prefix + branch + supLine(st, sup)}
		var kids []string
		for _, k := range sup.Children {
			if k == sup.Name && stages[k] != nil { // a stage's own supervisor: one line
				line.text += "  " + stageStatus(st, stages[k])
				line.stage = k
				continue
			}
			kids = append(kids, k)
		}
		out = append(out, line)
		for _, o := range s.Supervisors { // children known only by Parent
			if o.Parent == sup.Name && !contains(kids, o.Name) {
				kids = append(kids, o.Name)
			}
		}
		next := prefix
		switch branch {
		case "├─ ":
			next += "│  "
		case "└─ ":
			next += "   "
		}
		for i, k := range kids {
			b := "├─ "
			if i == len(kids)-1 {
				b = "└─ "
			}
			if c := sups[k]; c != nil && !seen[k] {
				walk(c, next, b)
				continue
			}
			out = append(out, treeLine{text: next + b + childLine(st, k, stages[k]), stage: k})
		}
	}
	for i := range s.Supervisors {
		sup := &s.Supervisors[i]
		if !seen[sup.Name] && (sup.Parent == "" || sups[sup.Parent] == nil) {
			walk(sup, "", "")
		}
	}
	for i := range s.Supervisors { // anything left over sits in a cycle
		if sup := &s.Supervisors[i]; !seen[sup.Name] {
			walk(sup, "", "")
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func supLine(st styles, sup *snapshot.Supervisor) string {
	frac := 0.0
	if sup.MaxRestarts > 0 {
		frac = float64(sup.Restarts) / float64(sup.MaxRestarts)
	}
	gauge := bar(frac, 10) + " " + itoa(sup.Restarts) + "/" + itoa(sup.MaxRestarts) + " restarts"
	if sup.Within > 0 {
		gauge += " in " + age(sup.Within)
	}
	style := st.ok
	switch {
	case sup.Escalated:
		style = st.bad
		gauge += " ESCALATED"
	case frac >= 1:
		style = st.bad
	case frac >= 0.5:
		style = st.warn
	}
	return st.r(st.bold, pad(clean(sup.Name, maxName), 18)) + " " + pad(clean(sup.Strategy, 16), 13) + " " + st.r(style, gauge)
}

func childLine(st styles, name string, s *snapshot.Stage) string {
	if s == nil {
		return clean(name, maxName)
	}
	return pad(clean(name, maxName), 18) + " " + stageStatus(st, s)
}

// stageStatus is a stage's state and restarts.
func stageStatus(st styles, s *snapshot.Stage) string {
	line := st.r(st.stage(s.State), pad(stateLabel(s.State), stateW))
	if s.Restarts > 0 {
		line += "  " + plural(int(min(s.Restarts, 1<<30)), "restart")
	}
	return line
}

// treePane is the supervision tree.
type treePane struct{ sel, off int }

func (p treePane) update(f frame, msg tea.Msg) (pane, tea.Cmd) {
	if d, ok := delta(f, msg); ok {
		p.sel = max(step(p.sel, len(treeLines(f)), d), 0)
		return p, nil
	}
	if c, ok := msg.(clickMsg); ok && p.off+c.y < len(treeLines(f)) {
		p.sel = p.off + c.y
	}
	return p, nil
}

func (p treePane) settle(f frame) pane {
	n := len(treeLines(f))
	p.sel = max(0, min(p.sel, n-1))
	p.off = visible(p.off, p.sel, n, f.h)
	return p
}

func (treePane) help(k keyMap) []key.Binding { return []key.Binding{k.Open} }

func (p treePane) selected(f frame) string {
	if lines := treeLines(f); p.sel < len(lines) {
		return lines[p.sel].stage
	}
	return ""
}

func (treePane) prompt(frame) string { return "" }

func (p treePane) view(f frame) []string {
	lines := treeLines(f)
	if len(lines) == 0 {
		return []string{"", "  no supervision tree reported"}
	}
	var out []string
	end := min(p.off+f.h, len(lines))
	for i := p.off; i < end; i++ {
		mark := "  "
		if i == p.sel {
			mark = "▸ "
		}
		out = append(out, mark+lines[i].text)
	}
	return out
}
