package tui

import (
	"context"
	"errors"
	"math"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// ErrRecording is what the controls of a replayed recording answer: there
// is no flow behind it to pause, resume or replay dead letters of.
var ErrRecording = errors.New("tui: a recording cannot be steered")

// Replay shows a recording (the snapshots Options.Record wrote, oldest
// first) in the terminal UI, playing it back at Options.Speed (1 is real
// time): space plays and pauses, [ ] step, { } jump a minute, + and -
// change the speed, and every view shows the moment played. It holds the
// whole recording in memory (consecutive snapshots share unchanged lists)
// and returns when the user quits or ctx is done; ErrNotTerminal without a
// terminal.
func Replay(ctx context.Context, snaps []snapshot.Snapshot, opts Options) error {
	opts = opts.withDefaults()
	if !isTerminal(opts.Out) {
		return ErrNotTerminal
	}
	return runProgram(ctx, newReplay(ctx, snaps, opts.Refresh, opts.Speed, !opts.NoColor), opts)
}

// recording is the Source of a replay: nothing to poll or steer.
type recording struct{}

func (recording) Snapshot() snapshot.Snapshot                    { return snapshot.Snapshot{} }
func (recording) Pause(context.Context) error                    { return ErrRecording }
func (recording) Resume(context.Context) error                   { return ErrRecording }
func (recording) Replay(context.Context, ...uint64) (int, error) { return 0, ErrRecording }
func (recording) Drain(context.Context) error                    { return snapshot.ErrNotOwner }

// Replay speeds: halved and doubled by - and +, within these bounds.
const (
	minSpeed = 1.0 / 8
	maxSpeed = 64.0
)

// player is a replay's playback: a clock in the recording's time that
// runs at speed while playing.
type player struct {
	playing bool
	speed   float64
	clock   time.Time
}

type playMsg time.Time

// newReplay is a monitor model that plays snaps back.
func newReplay(ctx context.Context, snaps []snapshot.Snapshot, refresh time.Duration, speed float64, color bool) model {
	m := newModel(ctx, recording{}, refresh, color)
	m.tl = newTimeline(max(len(snaps), 1), math.MaxInt)
	for _, s := range snaps {
		m.tl.add(s)
	}
	if speed <= 0 {
		speed = 1
	}
	m.player = &player{playing: true, speed: max(minSpeed, min(speed, maxSpeed))}
	m.attached, m.frozen = true, true
	m.keys = m.keys.forReplay()
	m.show(m.tl.first)
	m.player.clock = m.snap.Taken
	return m
}

func (m model) playTick() tea.Cmd {
	return tea.Tick(m.refresh, func(t time.Time) tea.Msg { return playMsg(t) })
}

// play advances a playing replay by one refresh of its clock.
func (m *model) play() {
	p := *m.player
	m.player = &p
	if !p.playing || m.tl.len() == 0 {
		return
	}
	p.clock = p.clock.Add(time.Duration(float64(m.refresh) * p.speed))
	if at := m.tl.seek(p.clock); at != m.at {
		m.show(at)
	}
	if last, _ := m.tl.at(m.tl.last()); m.at == m.tl.last() && !p.clock.Before(last.Taken) {
		p.playing = false
		m.status = "end of the recording: space plays it again"
	}
}

// playKey handles the keys a replay gives its own meaning: space plays and
// pauses, + and - change the speed; the travel keys pause it. It reports
// whether it took the key.
func (m *model) playKey(k tea.KeyPressMsg) bool {
	p := *m.player
	m.player = &p
	switch k.String() {
	case "space":
		p.playing = !p.playing
		if p.playing && m.at == m.tl.last() { // at the end: from the start
			m.show(m.tl.first)
			p.clock = m.snap.Taken
		}
	case "+", "=":
		p.speed = min(p.speed*2, maxSpeed)
	case "-":
		p.speed = max(p.speed/2, minSpeed)
	case "[", "]", "{", "}":
		m.travel(k)
		p.playing, p.clock = false, m.snap.Taken
	default:
		return false
	}
	return true
}

// speedLabel is the replay's speed: 1x, 4x, 1/2x.
func speedLabel(s float64) string {
	if s >= 1 {
		return itoa(int(s)) + "x"
	}
	return "1/" + itoa(int(math.Round(1/s))) + "x"
}
