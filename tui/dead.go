package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/serviceflow/serviceflow/snapshot"
)

// deadPane is the list of dead letters, newest first, and the detail of
// one of them; R asks whether to replay the selected one or all.
type deadPane struct {
	sel    uint64 // the selected dead letter's ID
	off    int
	top    uint64 // the ID on the first row: new dead letters arrive above it without moving the rows
	open   bool   // the selected one's detail is shown
	detOff int
	asking bool // replay: selected or all?
}

// rows are the dead letters, newest first.
func (p deadPane) rows(f frame) []snapshot.DeadLetter {
	d := f.snap.DeadLetters
	rows := make([]snapshot.DeadLetter, len(d))
	for i := range d {
		rows[i] = d[len(d)-1-i]
	}
	return rows
}

func (p deadPane) index(rows []snapshot.DeadLetter) int {
	for i, d := range rows {
		if d.ID == p.sel {
			return i
		}
	}
	return -1
}

func (p deadPane) update(f frame, msg tea.Msg) (pane, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && p.asking {
		return p.answer(f, k)
	}
	if d, ok := delta(f, msg); ok {
		if p.open {
			p.detOff = max(step(p.detOff, len(p.detail(f)), d), 0)
			return p, nil
		}
		rows := p.rows(f)
		if i := step(p.index(rows), len(rows), d); i >= 0 {
			p.sel = rows[i].ID
		}
		return p, nil
	}
	switch msg := msg.(type) {
	case clickMsg:
		rows := p.rows(f)
		if i := p.off + msg.y - 1; !p.open && msg.y >= 1 && i < len(rows) {
			p.sel = rows[i].ID
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, f.keys.Open):
			p.open, p.detOff = p.sel != 0, 0
		case key.Matches(msg, f.keys.Back):
			p.open = false
		case key.Matches(msg, f.keys.Replay):
			if len(f.snap.DeadLetters) == 0 {
				return p, status("no dead letters to replay")
			}
			p.asking = true
		case key.Matches(msg, f.keys.Export):
			return p, export(f.snap)
		}
	}
	return p, nil
}

// answer takes the reply to "replay: selected or all?".
func (p deadPane) answer(f frame, k tea.KeyPressMsg) (pane, tea.Cmd) {
	p.asking = false
	src, ctx := f.src, f.ctx
	switch k.String() {
	case "s", "enter", "y":
		if p.sel == 0 {
			return p, nil
		}
		id := p.sel
		return p, tea.Sequence(status("replaying #"+utoa(id)+"…"),
			func() tea.Msg { n, err := src.Replay(ctx, id); return replayedMsg{n, err} })
	case "a", "A":
		return p, tea.Sequence(status("replaying all dead letters…"),
			func() tea.Msg { n, err := src.Replay(ctx); return replayedMsg{n, err} })
	}
	return p, nil
}

func (p deadPane) settle(f frame) pane {
	if p.open {
		p.detOff = clampOff(p.detOff, len(p.detail(f)), f.h)
		return p
	}
	rows := p.rows(f)
	i := p.index(rows)
	if i < 0 && len(rows) > 0 {
		i = 0
		p.sel = rows[0].ID
	}
	for j, d := range rows { // keep the rows still under the cursor
		if d.ID == p.top {
			p.off = j
		}
	}
	// the selection in view; rows above the top may stay hidden even when
	// all would fit, so that nothing moves until the user does
	p.off = max(0, min(p.off, i))
	if h := max(f.h-2, 1); i >= p.off+h {
		p.off = i - h + 1
	}
	if p.off < len(rows) {
		p.top = rows[p.off].ID
	}
	return p
}

func (p deadPane) help(k keyMap) []key.Binding {
	if p.open {
		return []key.Binding{k.Back, k.Move}
	}
	return []key.Binding{k.Open, k.Replay, k.Export}
}

func (deadPane) selected(frame) string { return "" }

func (p deadPane) prompt(f frame) string {
	if !p.asking {
		return ""
	}
	return f.st.r(f.st.status, "replay: [s] selected #"+utoa(p.sel)+"  [a] all "+itoa(len(f.snap.DeadLetters))+"  [esc] cancel")
}

func (p deadPane) view(f frame) []string {
	w, h, st := f.w, f.h, f.st
	if p.open {
		lines := p.detail(f)
		return lines[min(p.detOff, len(lines)):]
	}
	rows := p.rows(f)
	rowsH := max(h-2, 1)
	stageW := 16
	lines := []string{st.r(st.bold, "  "+padLeft("ID", 8)+" "+pad("STAGE", stageW)+" "+padLeft("ATT", 3)+" "+padLeft("AGE", 6)+"  ERROR")}
	end := min(p.off+rowsH, len(rows))
	for _, d := range rows[min(p.off, end):end] {
		mark := "  "
		if d.ID == p.sel {
			mark = "▸ "
		}
		line := mark + padLeft("#"+utoa(d.ID), 8) + " " + pad(clean(d.Stage, maxName), stageW) + " " +
			padLeft(itoa(d.Attempts), 3) + " " + padLeft(age(f.snap.Taken.Sub(d.Time)), 6) + "  " + clean(d.Err, maxLine)
		if d.ID == p.sel {
			line = st.r(st.sel, pad(line, w))
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
	if f.snap.Evicted > 0 {
		info += ", " + count(f.snap.Evicted) + " evicted"
	}
	if p.off > 0 {
		info += "   ↑ " + itoa(p.off) + " newer (g)"
	}
	return append(lines, st.r(st.dim, info+"   enter details · R replay · e export to file"))
}

// deadDetail is the selected dead letter, wrapped to the window width: its
// error and its original input as indented JSON.
func (p deadPane) detail(f frame) []string {
	st := f.st
	var d *snapshot.DeadLetter
	for i := range f.snap.DeadLetters {
		if f.snap.DeadLetters[i].ID == p.sel {
			d = &f.snap.DeadLetters[i]
		}
	}
	if d == nil {
		return []string{"", "  this dead letter is no longer kept (esc back)"}
	}
	w := max(f.w-4, 8)
	lines := []string{
		st.r(st.bold, "dead letter #"+utoa(d.ID)) + "  stage " + clean(d.Stage, maxName) +
			"  attempts " + itoa(d.Attempts) + "  failed " + age(f.snap.Taken.Sub(d.Time)) + " ago" +
			"   (j/k scroll · esc back · R replay)",
		"",
		st.r(st.bad, "error"),
	}
	lines = append(lines, wrap(cleanBlock(d.Err, maxDetail), w)...)
	lines = append(lines, "", st.r(st.bold, "input"))
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
func export(s *snapshot.Snapshot) tea.Cmd {
	dls := append([]snapshot.DeadLetter(nil), s.DeadLetters...)
	if len(dls) == 0 {
		return func() tea.Msg { return exportedMsg{err: errors.New("no dead letters to export")} }
	}
	t := s.Taken
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
