package tui

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// view is one of the monitor's panes.
type view int

const (
	viewGraph view = iota
	viewServices
	viewEvents
	viewDead
	viewTree
	numViews
)

var viewNames = [numViews]string{"Graph", "Services", "Events", "Dead letters", "Supervision"}

// inputMode says what typed text goes to.
type inputMode int

const (
	inputNone inputMode = iota
	inputServices
	inputEvents
)

// Messages: the model's only inputs besides keys and window sizes.
type (
	tickMsg     time.Time
	snapMsg     struct{ snap snapshot.Snapshot }
	drainedMsg  struct{ err error }
	intakeMsg   struct {
		paused bool
		err    error
	}
	replayedMsg struct {
		n   int
		err error
	}
	exportedMsg struct {
		path string
		n    int
		err  error
	}
)

// model is the bubbletea model of the monitor. Update is the only place its
// state changes; View is a pure function of it.
type model struct {
	// ctx is the parent of the drain command's context: Run's ctx. It is
	// kept because a tea.Cmd has no other way to receive it.
	ctx     context.Context
	src     Source
	refresh time.Duration
	keys    keyMap
	help    help.Model
	st      styles

	width, height int

	snap   snapshot.Snapshot
	have   bool              // a snapshot has arrived
	hist   *history          // sparklines, fed from successive snapshots
	frozen bool              // display paused; snapshots still polled
	held   snapshot.Snapshot // newest snapshot while frozen

	view     view
	detail   string // stage whose detail pane is open, "" for none
	detOff   int
	showHelp bool
	status   string

	intakePaused bool
	draining     bool
	cancelDrain  context.CancelFunc
	drainErr     error // what Drain returned; Run returns it

	input    inputMode
	inputBuf string

	// graph
	gSel       string
	gOff, gXOf int

	// services
	sortCol int
	sortRev bool
	filter  string
	cursor  string // followed by name, not by row
	tOff    int

	// events
	follow  bool
	eFilter string
	eSel    int // selected group; the newest while following
	eOff    int

	// dead letters
	dlSel   uint64
	dlOff   int
	dlOpen  bool
	dlDetOf int
	prompt  bool // replay: selected or all?

	// supervision tree
	trSel, trOff int
}

func newModel(ctx context.Context, src Source, refresh time.Duration, color bool) model {
	st := newStyles(color)
	return model{
		ctx:     ctx,
		src:     src,
		refresh: refresh,
		keys:    newKeys(),
		help:    st.help(),
		st:      st,
		width:   80,
		height:  24,
		hist:    newHistory(refresh),
		follow:  true,
	}
}

// Init starts polling.
func (m model) Init() tea.Cmd { return m.poll() }

// poll asks the source for a snapshot off the UI goroutine.
func (m model) poll() tea.Cmd {
	src := m.src
	return func() tea.Msg { return snapMsg{src.Snapshot()} }
}

func (m model) tick() tea.Cmd {
	return tea.Tick(m.refresh, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Update applies one message.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 1), max(msg.Height, 1)
		m.help.SetWidth(m.width)
	case tickMsg:
		return m, m.poll()
	case snapMsg:
		if m.frozen {
			m.held = msg.snap
		} else {
			m.apply(msg.snap)
		}
		cmd = m.tick()
	case drainedMsg:
		if m.cancelDrain != nil {
			m.cancelDrain()
		}
		m.drainErr = msg.err
		if errors.Is(msg.err, snapshot.ErrNotOwner) {
			m.drainErr = nil // an attached monitor detaches; the flow runs on
		}
		return m, tea.Quit
	case intakeMsg:
		if msg.err != nil {
			m.status = "pause/resume failed: " + clean(msg.err.Error(), maxLine)
			break
		}
		m.intakePaused = msg.paused
		if msg.paused {
			m.status = "intake paused (p to resume)"
		} else {
			m.status = "intake resumed"
		}
	case replayedMsg:
		if msg.err != nil {
			m.status = "replay failed: " + clean(msg.err.Error(), maxLine)
		} else {
			m.status = "replayed " + plural(msg.n, "dead letter")
		}
	case exportedMsg:
		if msg.err != nil {
			m.status = "export failed: " + clean(msg.err.Error(), maxLine)
		} else {
			m.status = "exported " + plural(msg.n, "dead letter") + " to " + clean(msg.path, maxLine)
		}
	case tea.KeyPressMsg:
		m, cmd = m.key(msg)
	}
	m.settle()
	return m, cmd
}

func (m *model) apply(s snapshot.Snapshot) {
	m.snap, m.have = s, true
	m.hist.add(s)
	m.intakePaused = s.State == snapshot.Paused
}

// bodyHeight is the number of lines below the header and tabs and above the
// footer.
func (m model) bodyHeight() int { return max(m.height-headerLines-2, 1) }

// settle keeps every cursor on an existing row and every scroll offset such
// that the cursor is visible.
func (m *model) settle() {
	h := m.bodyHeight()
	switch {
	case m.detail != "":
		m.detOff = clampOff(m.detOff, len(m.detailLines()), h)
		return
	}
	switch m.view {
	case viewGraph:
		m.settleGraph()
	case viewServices:
		rows := m.serviceRows()
		i := indexOfStage(rows, m.cursor)
		if i < 0 && len(rows) > 0 {
			i = 0
			m.cursor = rows[0].Name
		}
		m.tOff = visible(m.tOff, i, len(rows), h-2)
	case viewEvents:
		n := len(m.eventGroups())
		if m.follow {
			m.eSel = n - 1
		}
		m.eSel = max(0, min(m.eSel, n-1))
		m.eOff = visible(m.eOff, m.eSel, n, h-2)
	case viewDead:
		if m.dlOpen {
			m.dlDetOf = clampOff(m.dlDetOf, len(m.deadDetail()), h)
			return
		}
		rows := m.deadRows()
		i := m.deadIndex(rows)
		if i < 0 && len(rows) > 0 {
			i = 0
			m.dlSel = rows[0].ID
		}
		m.dlOff = visible(m.dlOff, i, len(rows), h-2)
	case viewTree:
		n := len(m.treeLines())
		m.trSel = max(0, min(m.trSel, n-1))
		m.trOff = visible(m.trOff, m.trSel, n, h)
	}
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

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return itoa(n) + " " + what + "s"
}
