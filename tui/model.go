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

// Messages: the model's only inputs besides keys and window sizes.
type (
	tickMsg    time.Time
	snapMsg    struct{ snap snapshot.Snapshot }
	drainedMsg struct{ err error }
	intakeMsg  struct {
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
	// statusMsg is a line for the footer, from a pane.
	statusMsg string
)

// status is a command that shows s in the footer.
func status(s string) tea.Cmd { return func() tea.Msg { return statusMsg(s) } }

// model is the bubbletea model of the monitor: the root, which polls the
// source, keeps the history and routes keys and messages to the pane in
// front (one per view, or an overlay: a stage's detail, the help). Update
// is the only place its state changes; View is a pure function of it.
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
	have   bool      // a snapshot has arrived
	hist   *history  // the sparklines shown: live, or rebuilt for the moment shown
	live   *history  // sparklines, fed from successive snapshots
	tl     *timeline // the snapshots seen, for time travel
	frozen bool      // display paused; snapshots still polled and kept
	at     uint64    // while frozen: the timeline's snapshot shown
	player *player   // a replay's playback; nil when watching a source

	view    view
	panes   [numViews]pane
	overlay pane // over the current view: a stage's detail or the help; nil for none
	status  string

	intakePaused bool
	attached     bool // the flow is another process's: q detaches, it does not drain
	ended        bool // the run is over (Options.Done): the summary holds until q
	exitOnDone   bool // quit when the run is over instead
	draining     bool
	cancelDrain  context.CancelFunc
	drainErr     error // what Drain returned; Run returns it
}

func newModel(ctx context.Context, src Source, refresh time.Duration, color bool) model {
	st := newStyles(color)
	live := newHistory(refresh)
	return model{
		ctx:     ctx,
		src:     src,
		refresh: refresh,
		keys:    newKeys(),
		help:    st.help(),
		st:      st,
		width:   80,
		height:  24,
		tl:      newTimeline(timelineMax, timelineBytes),
		live:    live,
		hist:    live,
		panes: [numViews]pane{
			viewGraph:    graphPane{},
			viewServices: servicesPane{},
			viewEvents:   eventsPane{follow: true},
			viewDead:     deadPane{},
			viewTree:     treePane{},
		},
	}
}

// attach makes the model a monitor attached to a flow another process owns:
// quitting detaches at once and leaves the flow running, and the keys say so.
func (m model) attach() model {
	m.attached = true
	m.keys.Quit.SetHelp("q", "detach")
	return m
}

// frame is what the panes see of the model.
func (m *model) frame() frame {
	return frame{snap: &m.snap, hist: m.hist, st: m.st, keys: m.keys, help: m.help, src: m.src, ctx: m.ctx,
		w: m.width, h: m.bodyHeight()}
}

// front is the pane keys go to: the overlay, else the current view.
func (m *model) front() pane {
	if m.overlay != nil {
		return m.overlay
	}
	return m.panes[m.view]
}

// route gives msg to the pane in front.
func (m *model) route(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	if m.overlay != nil {
		m.overlay, cmd = m.overlay.update(m.frame(), msg)
	} else {
		m.panes[m.view], cmd = m.panes[m.view].update(m.frame(), msg)
	}
	return cmd
}

// Init starts polling.
func (m model) Init() tea.Cmd {
	if m.player != nil {
		return m.playTick()
	}
	return m.poll()
}

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
		if p, ok := m.overlay.(tapPane); ok {
			return m, tea.Batch(m.poll(), p.poll(m.frame()))
		}
		return m, m.poll()
	case tapMsg:
		cmd = m.route(msg)
	case playMsg:
		m.play()
		cmd = m.playTick()
	case snapMsg:
		m.apply(msg.snap)
		if !m.ended { // the final snapshot does not change
			cmd = m.tick()
		}
	case endedMsg:
		m.ended, m.draining = true, false
		if m.exitOnDone {
			return m, tea.Quit
		}
		m.overlay, m.frozen = summaryPane{}, false
		m.keys.Quit.SetHelp("q", "quit")
		cmd = m.poll() // the final snapshot
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
	case statusMsg:
		m.status = string(msg)
	case exportedMsg:
		if msg.err != nil {
			m.status = "export failed: " + clean(msg.err.Error(), maxLine)
		} else {
			m.status = "exported " + plural(msg.n, "dead letter") + " to " + clean(msg.path, maxLine)
		}
	case tea.KeyPressMsg:
		m, cmd = m.key(msg)
	case tea.MouseMsg:
		cmd = m.mouse(msg)
	}
	m.settle()
	return m, cmd
}

// apply records a new snapshot and shows it, unless the display is paused
// (time travel shows a moment of the timeline then).
func (m *model) apply(s snapshot.Snapshot) {
	m.tl.add(s)
	m.live.add(s)
	m.intakePaused = s.State == snapshot.Paused
	if !m.frozen {
		m.snap, m.have, m.hist = s, true, m.live
	}
}

// bodyHeight is the number of lines below the header and tabs and above the
// footer.
func (m model) bodyHeight() int { return max(m.height-headerLines-2, 1) }

// settle keeps the cursor of the panes on screen on an existing row and
// their scroll offsets such that it is visible.
func (m *model) settle() {
	f := m.frame()
	if m.overlay != nil {
		m.overlay = m.overlay.settle(f)
	}
	m.panes[m.view] = m.panes[m.view].settle(f)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return itoa(n) + " " + what + "s"
}
