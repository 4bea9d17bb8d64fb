package tui

import (
	"cmp"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// sortColumns are the orders `s` cycles through; "order" is the order an
// input meets the stages (flowOrder), also the order of ties.
var sortColumns = []struct {
	name string
	less func(a, b snapshot.Stage) int
}{
	{"order", nil}, // flow order: see flowOrder
	{"name", func(a, b snapshot.Stage) int { return strings.Compare(a.Name, b.Name) }},
	{"state", func(a, b snapshot.Stage) int { return cmp.Compare(stateRank(a.State), stateRank(b.State)) }},
	{"in/s", func(a, b snapshot.Stage) int { return cmp.Compare(b.InRate, a.InRate) }},
	{"out/s", func(a, b snapshot.Stage) int { return cmp.Compare(b.OutRate, a.OutRate) }},
	{"errors", func(a, b snapshot.Stage) int { return cmp.Compare(b.Failed, a.Failed) }},
	{"retries", func(a, b snapshot.Stage) int { return cmp.Compare(b.Retried, a.Retried) }},
	{"restarts", func(a, b snapshot.Stage) int { return cmp.Compare(b.Restarts, a.Restarts) }},
	{"mailbox", func(a, b snapshot.Stage) int { return cmp.Compare(fill(b), fill(a)) }},
	{"p50", func(a, b snapshot.Stage) int { return cmp.Compare(b.P50, a.P50) }},
	{"p99", func(a, b snapshot.Stage) int { return cmp.Compare(b.P99, a.P99) }},
}

// stateRank orders states worst first.
func stateRank(s snapshot.StageState) int {
	switch s {
	case snapshot.StageFailed:
		return 0
	case snapshot.StageRestarting:
		return 1
	case snapshot.StageBackpressure:
		return 2
	case snapshot.StageOK:
		return 3
	}
	return 4
}

// fill is how full a stage's mailbox is, 0 to 1; an unbounded mailbox
// counts its queue against 1000.
func fill(s snapshot.Stage) float64 {
	if s.MailboxCap > 0 {
		return float64(s.Mailbox) / float64(s.MailboxCap)
	}
	return min(float64(s.Mailbox)/1000, 1)
}

// servicesPane is the table of services: sortable, filterable, its cursor
// following a service by name through re-sorts.
type servicesPane struct {
	sortCol int
	sortRev bool
	filter  string
	typing  bool   // the filter is being typed
	cursor  string // followed by name, not by row
	off     int
}

// rows are the stages the table lists: filtered, then sorted, with ties
// kept in topology order.
func (p servicesPane) rows(f frame) []snapshot.Stage {
	flt := strings.ToLower(p.filter)
	rows := make([]snapshot.Stage, 0, len(f.snap.Stages))
	for _, s := range f.snap.Stages {
		if flt == "" || strings.Contains(strings.ToLower(s.Name), flt) ||
			strings.Contains(string(s.State), flt) || strings.Contains(strings.ToLower(s.Path), flt) {
			rows = append(rows, s)
		}
	}
	rank := make(map[int]int, len(f.snap.Stages))
	for i, r := range flowOrder(f.snap.Stages, f.snap.Edges) {
		rank[f.snap.Stages[i].ID] = r
	}
	inFlow := func(a, b snapshot.Stage) int { return cmp.Compare(rank[a.ID], rank[b.ID]) }
	c := sortColumns[p.sortCol%len(sortColumns)].less
	if c == nil {
		c = inFlow
	}
	slices.SortStableFunc(rows, func(a, b snapshot.Stage) int {
		r := c(a, b)
		if p.sortRev {
			r = -r
		}
		if r == 0 {
			r = inFlow(a, b)
		}
		return r
	})
	return rows
}

func (p servicesPane) update(f frame, msg tea.Msg) (pane, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && p.typing {
		p.filter, p.typing = editText(p.filter, k)
		p.typing = !p.typing
		return p, nil
	}
	if d, ok := delta(f, msg); ok {
		rows := p.rows(f)
		if i := step(indexOfStage(rows, p.cursor), len(rows), d); i >= 0 {
			p.cursor = rows[i].Name
		}
		return p, nil
	}
	switch msg := msg.(type) {
	case clickMsg:
		rows := p.rows(f)
		if i := p.off + msg.y - 1; msg.y >= 1 && i < len(rows) {
			p.cursor = rows[i].Name
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, f.keys.Sort):
			p.sortCol = (p.sortCol + 1) % len(sortColumns)
		case key.Matches(msg, f.keys.Reverse):
			p.sortRev = !p.sortRev
		case key.Matches(msg, f.keys.Filter):
			p.typing = true
		case key.Matches(msg, f.keys.Back):
			p.filter = ""
		}
	}
	return p, nil
}

func (p servicesPane) settle(f frame) pane {
	rows := p.rows(f)
	i := indexOfStage(rows, p.cursor)
	if i < 0 && len(rows) > 0 {
		i = 0
		p.cursor = rows[0].Name
	}
	p.off = visible(p.off, i, len(rows), f.h-2)
	return p
}

func (servicesPane) help(k keyMap) []key.Binding {
	return []key.Binding{k.Sort, k.Reverse, k.Filter, k.Open}
}

func (p servicesPane) selected(frame) string { return p.cursor }

func (p servicesPane) prompt(frame) string {
	if p.typing {
		return typingPrompt(p.filter)
	}
	return ""
}

func indexOfStage(rows []snapshot.Stage, name string) int {
	for i, s := range rows {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// stateW is the width of the state column: "backpressure" whole.
const stateW = 12

// stateLabel is a stage state in at most stateW cells, never cut.
func stateLabel(s snapshot.StageState) string {
	switch s {
	case snapshot.StageFailed:
		return "FAILED"
	case "":
		return "-"
	}
	return clean(string(s), stateW)
}

type column struct {
	title string
	width int
	right bool
}

func (p servicesPane) view(f frame) []string {
	w, h, st := f.w, f.h, f.st
	rows := p.rows(f)
	cols := []column{
		{"", 1, false}, {"SERVICE", 0, false}, {"STATE", stateW, false},
		{"IN/S", 6, true}, {"OUT/S", 6, true}, {"ERR", 5, true}, {"RETRY", 5, true},
		{"RST", 4, true}, {"MAILBOX", 9, true}, {"THROUGHPUT 60s", 0, false},
		{"P50", 6, true}, {"P99", 6, true},
	}
	fixed := len(cols) - 1 // separating spaces
	for _, c := range cols {
		fixed += c.width
	}
	// the name takes 12 to 28 cells, the sparkline what is left
	rest := w - fixed
	nameW := max(12, min(28, rest-10))
	sparkW := rest - nameW
	if sparkW < 8 {
		sparkW = 0
		nameW = max(rest, 8)
	}
	if nameW < 12 { // names before p50: the detail pane has it
		nameW += cols[10].width + 1
		cols[10].width = 0
	}
	cols[1].width, cols[9].width = nameW, sparkW
	sortName := sortColumns[p.sortCol%len(sortColumns)].name
	arrow := "▼"
	if p.sortRev {
		arrow = "▲"
	}

	titles := make([]string, len(cols))
	for i, c := range cols {
		t := c.title
		if strings.EqualFold(t, sortName) || (sortName == "errors" && t == "ERR") ||
			(sortName == "retries" && t == "RETRY") || (sortName == "restarts" && t == "RST") ||
			(sortName == "name" && t == "SERVICE") {
			t += arrow
		}
		titles[i] = t
	}
	lines := []string{st.r(st.bold, row(cols, titles))}

	end := min(p.off+max(h-2, 1), len(rows))
	for _, s := range rows[p.off:end] { // only visible rows are rendered
		mbox := itoa(s.Mailbox)
		if s.MailboxCap > 0 {
			mbox += "/" + itoa(s.MailboxCap)
		}
		var sp string
		if sparkW > 0 {
			sp = spark(f.hist.stage(s.Name).rate.values(), sparkW)
		}
		mark := " "
		if s.Name == p.cursor {
			mark = "▸"
		}
		name := clean(s.Name, maxName)
		if isExit(s) && p.sortCol == 0 { // beside its entry: where its After runs
			name = "↳ " + name
		}
		cells := []string{
			mark, name, stateLabel(s.State),
			rate(s.InRate), rate(s.OutRate), count(s.Failed), count(s.Retried),
			count(s.Restarts), mbox, sp, latency(s.P50), latency(s.P99),
		}
		line := row(cols, cells)
		switch {
		case s.Name == p.cursor:
			line = st.r(st.sel, line)
		case s.State != snapshot.StageOK:
			line = st.r(st.stage(s.State), line)
		}
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		lines = append(lines, "  no services match "+quote(p.filter))
	}
	info := "sort: " + sortName
	if p.filter != "" {
		info += "  filter: " + quote(p.filter)
	}
	if len(rows) > end-p.off {
		info += "  " + itoa(p.off+1) + "-" + itoa(end) + " of " + itoa(len(rows))
	}
	if len(lines) < h {
		for len(lines) < h-1 {
			lines = append(lines, "")
		}
		lines = append(lines, st.r(st.dim, info))
	}
	return lines
}

func row(cols []column, cells []string) string {
	var b strings.Builder
	for i, c := range cols {
		if c.width == 0 {
			continue
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		if c.right {
			b.WriteString(padLeft(cells[i], c.width))
		} else {
			b.WriteString(pad(cells[i], c.width))
		}
	}
	return b.String()
}

func quote(s string) string { return "\"" + s + "\"" }
