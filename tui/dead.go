package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/serviceflow/serviceflow/snapshot"
)

// deadRows are the dead letters, newest first.
func (m model) deadRows() []snapshot.DeadLetter {
	d := m.snap.DeadLetters
	rows := make([]snapshot.DeadLetter, len(d))
	for i := range d {
		rows[i] = d[len(d)-1-i]
	}
	return rows
}

func (m model) deadIndex(rows []snapshot.DeadLetter) int {
	for i, d := range rows {
		if d.ID == m.dlSel {
			return i
		}
	}
	return -1
}

func (m model) deadView(w, h int) []string {
	if m.dlOpen {
		lines := m.deadDetail()
		return lines[min(m.dlDetOf, len(lines)):]
	}
	rows := m.deadRows()
	rowsH := max(h-2, 1)
	stageW := 16
	lines := []string{m.st.r(m.st.bold, "  "+padLeft("ID", 8)+" "+pad("STAGE", stageW)+" "+padLeft("ATT", 3)+" "+padLeft("AGE", 6)+"  ERROR")}
	end := min(m.dlOff+rowsH, len(rows))
	for _, d := range rows[min(m.dlOff, end):end] {
		mark := "  "
		if d.ID == m.dlSel {
			mark = "▸ "
		}
		line := mark + padLeft("#"+utoa(d.ID), 8) + " " + pad(clean(d.Stage, maxName), stageW) + " " +
			padLeft(itoa(d.Attempts), 3) + " " + padLeft(age(m.snap.Taken.Sub(d.Time)), 6) + "  " + clean(d.Err, maxLine)
		if d.ID == m.dlSel {
			line = m.st.r(m.st.sel, pad(line, w))
		}
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		lines = append(lines, "  no dead letters")
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	info := plural(len(rows), "dead letter") + " kept"
	if m.snap.Evicted > 0 {
		info += ", " + count(m.snap.Evicted) + " evicted"
	}
	return append(lines, m.st.r(m.st.dim, info+"   enter details · R replay · e export to file"))
}

// deadDetail is the selected dead letter, wrapped to the window width: its
// error and its original input as indented JSON.
func (m model) deadDetail() []string {
	var d *snapshot.DeadLetter
	for i := range m.snap.DeadLetters {
		if m.snap.DeadLetters[i].ID == m.dlSel {
			d = &m.snap.DeadLetters[i]
		}
	}
	if d == nil {
		return []string{"", "  this dead letter is no longer kept (esc back)"}
	}
	w := max(m.width-4, 8)
	lines := []string{
		m.st.r(m.st.bold, "dead letter #"+utoa(d.ID)) + "  stage " + clean(d.Stage, maxName) +
			"  attempts " + itoa(d.Attempts) + "  failed " + age(m.snap.Taken.Sub(d.Time)) + " ago" +
			"   (j/k scroll · esc back · R replay)",
		"",
		m.st.r(m.st.bad, "error"),
	}
	lines = append(lines, wrap(cleanBlock(d.Err, maxDetail), w)...)
	lines = append(lines, "", m.st.r(m.st.bold, "input"))
	lines = append(lines, wrap(cleanBlock(prettyJSON(d.Input), maxDetail), w)...)
	return lines
}

// prettyJSON renders an input as indented JSON; values JSON cannot encode
// are shown with %v.
func prettyJSON(v map[string]any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// wrap hard-wraps each line of s to w cells, indented by two.
func wrap(s string, w int) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, p := range strings.Split(ansi.Hardwrap(l, w, true), "\n") {
			out = append(out, "  "+p)
		}
	}
	return out
}

// export writes the dead letters to dead-letters-<time>.jsonl in the
// working directory.
func (m model) export() tea.Cmd {
	dls := append([]snapshot.DeadLetter(nil), m.snap.DeadLetters...)
	if len(dls) == 0 {
		return func() tea.Msg { return exportedMsg{err: errors.New("no dead letters to export")} }
	}
	t := m.snap.Taken
	if t.IsZero() {
		t = time.Now()
	}
	name := "dead-letters-" + t.UTC().Format("20060102-150405") + ".jsonl"
	return func() tea.Msg {
		path, err := writeDeadLetters(name, dls)
		return exportedMsg{path: path, n: len(dls), err: err}
	}
}

// deadLetterRecord is one line of an export file.
type deadLetterRecord struct {
	ID       uint64         `json:"id"`
	Time     time.Time      `json:"time"`
	Stage    string         `json:"stage"`
	Error    string         `json:"error"`
	Attempts int            `json:"attempts"`
	Input    map[string]any `json:"input"`
}

// writeDeadLetters creates a new file (never overwriting one) and writes
// one JSON object per dead letter.
func writeDeadLetters(name string, dls []snapshot.DeadLetter) (string, error) {
	var f *os.File
	var err error
	path := name
	for i := 2; ; i++ {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, os.ErrExist) || i > 100 {
			break
		}
		path = strings.TrimSuffix(name, ".jsonl") + "-" + itoa(i) + ".jsonl"
	}
	if err != nil {
		return path, err
	}
	enc := json.NewEncoder(f)
	for _, d := range dls {
		rec := deadLetterRecord{d.ID, d.Time, d.Stage, d.Err, d.Attempts, d.Input}
		if err := enc.Encode(rec); err != nil {
			rec.Input = map[string]any{"unencodable": fmt.Sprintf("%v", d.Input)}
			if err := enc.Encode(rec); err != nil {
				f.Close()
				return path, err
			}
		}
	}
	return path, f.Close()
}
