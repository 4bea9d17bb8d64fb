package tui

import (
	"context"
	"math"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// pane is one view of the monitor. Like the components of bubbles (table,
// viewport) it owns its state and has its own update and view; the root
// model routes keys and messages to the pane in front and draws the header,
// tabs and footer around it. Panes are values: update returns the changed
// pane, so a model copied in a test is independent of the original.
type pane interface {
	// update applies a key, a scroll or a click to the pane.
	update(f frame, msg tea.Msg) (pane, tea.Cmd)
	// view draws the body: at most f.h lines (the root fits them to f.w).
	view(f frame) []string
	// settle keeps the cursor on an existing row and the scroll offsets
	// such that it is visible, after the data or the window changed.
	settle(f frame) pane
	// help lists the pane's own keys, for the footer.
	help(k keyMap) []key.Binding
	// selected is the stage under the cursor, "" for none: enter opens its
	// detail pane.
	selected(f frame) string
	// prompt is a footer line that replaces the key help while the pane
	// takes every key (a filter being typed, a question asked); "" else.
	prompt(f frame) string
}

// frame is what a pane is given to update and draw itself: the moment on
// screen and what the monitor knows around it. Panes only read it; the
// root builds it for each message.
type frame struct {
	snap *snapshot.Snapshot
	hist *history
	st   styles
	keys keyMap
	help help.Model
	src  Source
	ctx  context.Context // Run's: the parent of the source's controls
	w, h int             // the body: the window's width, the lines between tabs and footer
}

// stage returns the stage named name in the frame's snapshot, or nil.
func (f frame) stage(name string) *snapshot.Stage {
	for i := range f.snap.Stages {
		if f.snap.Stages[i].Name == name {
			return &f.snap.Stages[i]
		}
	}
	return nil
}

// Messages the root sends to panes.
type (
	// scrollMsg moves the pane's cursor (or scrolls it) by d rows: the mouse
	// wheel.
	scrollMsg struct{ d int }
	// clickMsg is a left click at (x, y) of the body.
	clickMsg struct{ x, y int }
)

// motion is how many rows a movement key moves in a body of h lines:
// j/k one, ctrl+d/ctrl+u half a page, g/G to either end.
func motion(k keyMap, msg tea.KeyPressMsg, h int) (int, bool) {
	half := max(h/2, 1)
	switch {
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.HalfUp):
		return -half, true
	case key.Matches(msg, k.HalfDown):
		return half, true
	case key.Matches(msg, k.Top):
		return math.MinInt32, true
	case key.Matches(msg, k.Bottom):
		return math.MaxInt32, true
	}
	return 0, false
}

// delta is the rows msg moves by, for a motion key or a scroll.
func delta(f frame, msg tea.Msg) (int, bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return motion(f.keys, msg, f.h)
	case scrollMsg:
		return msg.d, true
	}
	return 0, false
}

// step moves index i of n rows by d, staying on a row; -1 when n is 0.
func step(i, n, d int) int {
	if n == 0 {
		return -1
	}
	return int(math.Max(0, math.Min(float64(n-1), float64(i)+float64(d))))
}

// visible returns the offset that keeps row i of n in a window of h rows.
func visible(off, i, n, h int) int {
	h = max(h, 1)
	if i >= 0 {
		if i < off {
			off = i
		}
		if i >= off+h {
			off = i - h + 1
		}
	}
	return clampOff(off, n, h)
}

func clampOff(off, n, h int) int {
	return max(0, min(off, n-max(h, 1)))
}

// editText applies a key to text being typed: enter keeps it, esc clears
// it; done says typing ended.
func editText(buf string, k tea.KeyPressMsg) (out string, done bool) {
	switch k.String() {
	case "enter":
		return buf, true
	case "esc":
		return "", true
	case "backspace":
		if r := []rune(buf); len(r) > 0 {
			buf = string(r[:len(r)-1])
		}
	default:
		if k.Text != "" && len(buf) < 64 {
			buf += clean(k.Text, 8)
		}
	}
	return buf, false
}

// typingPrompt is the footer while a filter is typed.
func typingPrompt(buf string) string {
	return "filter: " + buf + "▏  (enter keeps, esc clears)"
}
