package tui

import (
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
func (m model) treeLines() []treeLine {
	s := m.snap
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
		line := treeLine{text: prefix + branch + m.supLine(sup)}
		var kids []string
		for _, k := range sup.Children {
			if k == sup.Name && stages[k] != nil { // a stage's own supervisor: one line
				line.text += "  " + m.stageStatus(stages[k])
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
			out = append(out, treeLine{text: next + b + m.childLine(k, stages[k]), stage: k})
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

func (m model) supLine(sup *snapshot.Supervisor) string {
	st := m.st
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

func (m model) childLine(name string, s *snapshot.Stage) string {
	if s == nil {
		return clean(name, maxName)
	}
	return pad(clean(name, maxName), 18) + " " + m.stageStatus(s)
}

// stageStatus is a stage's state and restarts.
func (m model) stageStatus(s *snapshot.Stage) string {
	line := m.st.r(m.st.stage(s.State), pad(stateLabel(s.State), 8))
	if s.Restarts > 0 {
		line += "  " + plural(int(min(s.Restarts, 1<<30)), "restart")
	}
	return line
}

func (m model) treeView(w, h int) []string {
	lines := m.treeLines()
	if len(lines) == 0 {
		return []string{"", "  no supervision tree reported"}
	}
	var out []string
	end := min(m.trOff+h, len(lines))
	for i := m.trOff; i < end; i++ {
		mark := "  "
		if i == m.trSel {
			mark = "▸ "
		}
		out = append(out, mark+lines[i].text)
	}
	return out
}
