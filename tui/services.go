package tui

import (
	"cmp"
	"slices"
	"strings"

	"github.com/serviceflow/serviceflow/snapshot"
)

// sortColumns are the orders `s` cycles through; "order" is topology order.
var sortColumns = []struct {
	name string
	less func(a, b snapshot.Stage) int
}{
	{"order", func(a, b snapshot.Stage) int { return cmp.Compare(a.ID, b.ID) }},
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

// serviceRows are the stages the table lists: filtered, then sorted, with
// ties kept in topology order.
func (m model) serviceRows() []snapshot.Stage {
	f := strings.ToLower(m.filter)
	rows := make([]snapshot.Stage, 0, len(m.snap.Stages))
	for _, s := range m.snap.Stages {
		if f == "" || strings.Contains(strings.ToLower(s.Name), f) ||
			strings.Contains(string(s.State), f) || strings.Contains(strings.ToLower(s.Path), f) {
			rows = append(rows, s)
		}
	}
	c := sortColumns[m.sortCol%len(sortColumns)].less
	slices.SortStableFunc(rows, func(a, b snapshot.Stage) int {
		r := c(a, b)
		if m.sortRev {
			r = -r
		}
		if r == 0 {
			r = cmp.Compare(a.ID, b.ID)
		}
		return r
	})
	return rows
}

func indexOfStage(rows []snapshot.Stage, name string) int {
	for i, s := range rows {
		if s.Name == name {
			return i
		}
	}
	return -1
}

func (m model) stageByName(name string) *snapshot.Stage {
	for i := range m.snap.Stages {
		if m.snap.Stages[i].Name == name {
			return &m.snap.Stages[i]
		}
	}
	return nil
}

// stateLabel is a stage state in at most 8 cells.
func stateLabel(s snapshot.StageState) string {
	switch s {
	case snapshot.StageBackpressure:
		return "backpres"
	case snapshot.StageRestarting:
		return "restart"
	case snapshot.StageFailed:
		return "FAILED"
	case snapshot.StageStopped:
		return "stopped"
	case "":
		return "-"
	}
	return clean(string(s), 8)
}

type column struct {
	title string
	width int
	right bool
}

func (m model) servicesView(w, h int) []string {
	rows := m.serviceRows()
	cols := []column{
		{"", 1, false}, {"SERVICE", 0, false}, {"STATE", 8, false},
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
	cols[1].width, cols[9].width = nameW, sparkW
	sortName := sortColumns[m.sortCol%len(sortColumns)].name
	arrow := "▼"
	if m.sortRev {
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
	lines := []string{m.st.r(m.st.bold, m.row(cols, titles))}

	end := min(m.tOff+max(h-2, 1), len(rows))
	for _, s := range rows[m.tOff:end] { // only visible rows are rendered
		mbox := itoa(s.Mailbox)
		if s.MailboxCap > 0 {
			mbox += "/" + itoa(s.MailboxCap)
		}
		var sp string
		if sparkW > 0 {
			sp = spark(m.hist.stage(s.Name).rate.values(), sparkW)
		}
		mark := " "
		if s.Name == m.cursor {
			mark = "▸"
		}
		cells := []string{
			mark, clean(s.Name, maxName), stateLabel(s.State),
			rate(s.InRate), rate(s.OutRate), count(s.Failed), count(s.Retried),
			count(s.Restarts), mbox, sp, latency(s.P50), latency(s.P99),
		}
		line := m.row(cols, cells)
		switch {
		case s.Name == m.cursor:
			line = m.st.r(m.st.sel, line)
		case s.State != snapshot.StageOK:
			line = m.st.r(m.st.stage(s.State), line)
		}
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		lines = append(lines, "  no services match "+quote(m.filter))
	}
	info := "sort: " + sortName
	if m.filter != "" {
		info += "  filter: " + quote(m.filter)
	}
	if len(rows) > end-m.tOff {
		info += "  " + itoa(m.tOff+1) + "-" + itoa(end) + " of " + itoa(len(rows))
	}
	if len(lines) < h {
		for len(lines) < h-1 {
			lines = append(lines, "")
		}
		lines = append(lines, m.st.r(m.st.dim, info))
	}
	return lines
}

func (m model) row(cols []column, cells []string) string {
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
