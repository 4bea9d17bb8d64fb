package tui

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

func press(m model, keys ...string) model {
	for _, k := range keys {
		m = update(m, keyPress(k))
	}
	return m
}

// pressCmd presses one key and returns the command it gave.
func pressCmd(t *testing.T, m model, k string) (model, tea.Cmd) {
	t.Helper()
	nm, cmd := m.Update(keyPress(k))
	return nm.(model), cmd
}

func TestTickPollsAndReschedules(t *testing.T) {
	t.Parallel()
	src := &fakeSource{snap: fixture()}
	m := newModel(context.Background(), src, DefaultRefresh, false)
	msg := m.Init()()
	s, ok := msg.(snapMsg)
	if !ok {
		t.Fatalf("Init's command gave %T, want snapMsg", msg)
	}
	nm, cmd := m.Update(s)
	m = nm.(model)
	if !m.have || m.snap.Flow != "demo" || cmd == nil {
		t.Fatalf("snapshot not applied or no tick scheduled: have=%v cmd=%v", m.have, cmd != nil)
	}
	nm, cmd = m.Update(tickMsg(time.Now()))
	if cmd == nil {
		t.Fatal("tick scheduled no poll")
	}
	if _, ok := cmd().(snapMsg); !ok {
		t.Fatal("poll did not return a snapshot")
	}
	if src.calls != 2 {
		t.Errorf("Snapshot called %d times, want 2", src.calls)
	}
}

func TestResize(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 80, 24)
	for _, sz := range [][2]int{{100, 30}, {20, 5}, {0, 0}, {300, 100}} {
		m = update(m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		lines := strings.Split(m.render(), "\n")
		if want := max(sz[1], 1); len(lines) != want {
			t.Errorf("%v: %d lines, want %d", sz, len(lines), want)
		}
	}
}

func TestViewKeys(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 120, 40)
	for i, k := range []string{"1", "2", "3", "4", "5"} {
		if m = press(m, k); m.view != view(i) {
			t.Errorf("key %s: view %d", k, m.view)
		}
	}
	m = press(m, "tab")
	if m.view != viewGraph {
		t.Errorf("tab from the last view: %d", m.view)
	}
	m = update(m, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	if m.view != viewTree {
		t.Errorf("shift+tab: %d", m.view)
	}
	m = press(m, "?")
	if !m.showHelp() || !strings.Contains(m.render(), "pause/resume intake") {
		t.Error("? shows no help")
	}
	if m = press(m, "j", "esc"); m.showHelp() {
		t.Error("esc did not close help")
	}
}

func TestCursorFollowsServiceAcrossSorts(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(fixture(), 120, 40), "2", "j", "j", "j", "j", "j")
	if m.services().cursor != "price-music" {
		t.Fatalf("cursor on %q", m.services().cursor)
	}
	for i := 0; i < len(sortColumns)*2; i++ {
		m = press(m, "s")
		if i%3 == 0 {
			m = press(m, "r")
		}
		m = update(m, snapMsg{moving(fixture(), 50+i)}) // rates move, rows re-sort
		if m.services().cursor != "price-music" {
			t.Fatalf("sort %s: cursor moved to %q", sortColumns[m.services().sortCol].name, m.services().cursor)
		}
		if !strings.Contains(m.render(), "▸ price-music") {
			t.Fatalf("sort %s: marker not on price-music", sortColumns[m.services().sortCol].name)
		}
	}
}

func TestSortOrders(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(fixture(), 120, 40), "2")
	names := func() []string { return m.rows() }
	m = press(m, "s") // name
	if got := names(); !slices.IsSorted(got) {
		t.Errorf("by name: %v", got)
	}
	m = press(m, "r")
	if got := names(); got[0] != "validate" {
		t.Errorf("by name reversed: %v", got)
	}
	m = press(m, "r", "s", "s", "s", "s", "s", "s", "s") // mailbox
	if sortColumns[m.services().sortCol].name != "mailbox" || names()[0] != "price-music" {
		t.Errorf("by %s: %v", sortColumns[m.services().sortCol].name, names())
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(fixture(), 120, 40), "2", "/", "b", "o", "o", "k")
	if !m.services().typing || m.services().filter != "book" {
		t.Fatalf("typing: typing=%v filter=%q", m.services().typing, m.services().filter)
	}
	if rows := m.rows(); len(rows) != 2 {
		t.Errorf("filter book: %d rows", len(rows))
	}
	if m.services().cursor != "price-book" {
		t.Errorf("cursor not moved onto a visible row: %q", m.services().cursor)
	}
	m = press(m, "backspace", "enter")
	if m.services().typing || m.services().filter != "boo" {
		t.Errorf("after enter: typing=%v filter=%q", m.services().typing, m.services().filter)
	}
	if m = press(m, "p"); m.intakePaused { // a key, no longer text
		t.Log("p toggles intake only through a command")
	}
	m = press(m, "esc")
	if m.services().filter != "" || len(m.rows()) != 9 {
		t.Errorf("esc did not clear the filter: %q", m.services().filter)
	}
	m = press(m, "3", "/", "r", "e", "t", "r", "y", "enter")
	if g := m.groups(); len(g) != 1 || g[0].count != 17 {
		t.Errorf("event filter retry: %+v", g)
	}
}

func TestVimMotions(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(manyStages(200), 80, 24), "2")
	rows := m.bodyHeight() - 2
	m = press(m, "G")
	if m.services().cursor != "service-199" || !strings.Contains(m.render(), "service-199") {
		t.Errorf("G: cursor %q", m.services().cursor)
	}
	m = press(m, "g")
	if m.services().cursor != "service-000" || m.services().off != 0 {
		t.Errorf("g: cursor %q off %d", m.services().cursor, m.services().off)
	}
	m = press(m, "ctrl+d")
	if want := rowsName(m.bodyHeight() / 2); m.services().cursor != want {
		t.Errorf("ctrl+d: cursor %q, want %q", m.services().cursor, want)
	}
	m = press(m, "ctrl+u", "j", "j", "k")
	if m.services().cursor != "service-001" {
		t.Errorf("j j k: %q", m.services().cursor)
	}
	for i := 0; i < rows+3; i++ {
		m = press(m, "j")
	}
	if out := m.render(); !strings.Contains(out, "▸ "+m.services().cursor) {
		t.Errorf("cursor %s scrolled out of view:\n%s", m.services().cursor, out)
	}
	// the graph follows its selection in the scrolled top-down layout
	m = press(m, "1", "G")
	if m.graph().sel != "service-199" || !strings.Contains(m.render(), "service-199") {
		t.Errorf("graph G: selected %q not visible", m.graph().sel)
	}
}

func rowsName(i int) string { return "service-" + strings.Repeat("0", 3-len(itoa(i))) + itoa(i) }

func TestPauseDisplay(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 120, 40)
	m = press(m, "space")
	if !m.frozen || !strings.Contains(m.render(), "display paused") {
		t.Fatal("space did not pause the display")
	}
	before := m.snap.Taken
	next := moving(fixture(), 99)
	nm, cmd := m.Update(snapMsg{next})
	m = nm.(model)
	if !m.snap.Taken.Equal(before) {
		t.Error("a snapshot changed the paused display")
	}
	if cmd == nil {
		t.Error("polling stopped while the display is paused")
	}
	m = press(m, "space")
	if m.frozen || !m.snap.Taken.Equal(next.Taken) {
		t.Error("resuming the display did not show the newest snapshot")
	}
}

func TestIntakePauseCallsSource(t *testing.T) {
	t.Parallel()
	src := &fakeSource{snap: fixture()}
	m := fixtureModel(fixture(), 120, 40)
	m.src = src
	m, cmd := pressCmd(t, m, "p")
	m = update(m, cmd())
	if p, _, _, _ := src.counts(); p != 1 || !m.intakePaused || !strings.Contains(m.render(), "intake paused") {
		t.Errorf("p: Pause called %d times, paused=%v", p, m.intakePaused)
	}
	m, cmd = pressCmd(t, m, "p")
	m = update(m, cmd())
	if _, r, _, _ := src.counts(); r != 1 || m.intakePaused {
		t.Errorf("p again: Resume called %d times, paused=%v", r, m.intakePaused)
	}
}

func TestQuitDrains(t *testing.T) {
	t.Parallel()
	src := &fakeSource{snap: fixture()}
	m := fixtureModel(fixture(), 120, 40)
	m.src = src
	m, cmd := pressCmd(t, m, "q")
	if !m.draining || !strings.Contains(m.render(), "DRAINING") {
		t.Fatal("q: not draining")
	}
	msg := cmd()
	if _, _, d, _ := src.counts(); d != 1 {
		t.Fatalf("Drain called %d times", d)
	}
	nm, cmd := m.Update(msg)
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("the model did not quit once drained")
	}
	_ = nm
}

func TestSecondCtrlCQuitsAtOnce(t *testing.T) {
	t.Parallel()
	src := &fakeSource{snap: fixture(), block: make(chan struct{})}
	m := fixtureModel(fixture(), 120, 40)
	m.src = src
	m, drain := pressCmd(t, m, "ctrl+c")
	if !m.draining {
		t.Fatal("ctrl+c: not draining")
	}
	res := make(chan tea.Msg, 1)
	go func() { res <- drain() }() // blocks in Drain
	m, cmd := pressCmd(t, m, "q")
	if cmd != nil || !m.draining {
		t.Fatal("q while draining should only say how to leave")
	}
	_, cmd = pressCmd(t, m, "ctrl+c")
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("second ctrl+c did not quit")
	}
	select {
	case msg := <-res:
		if d, ok := msg.(drainedMsg); !ok || !errors.Is(d.err, context.Canceled) {
			t.Errorf("drain ended with %v", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("quitting did not cancel the drain")
	}
}

func TestReplay(t *testing.T) {
	t.Parallel()
	src := &fakeSource{snap: fixture()}
	m := fixtureModel(fixture(), 120, 40)
	m.src = src
	m = press(m, "4", "j", "R")
	if !m.dead().asking || !strings.Contains(m.render(), "[a] all") {
		t.Fatal("R shows no prompt")
	}
	m, cmd := pressCmd(t, m, "s")
	m = drive(m, cmd)
	m = press(m, "R")
	m, cmd = pressCmd(t, m, "a")
	m = drive(m, cmd)
	_, _, _, got := src.counts()
	if len(got) != 2 || !slices.Equal(got[0], []uint64{4712}) || len(got[1]) != 0 {
		t.Errorf("Replay calls %v, want [[4712] []]", got)
	}
	if !strings.Contains(m.render(), "replayed 3 dead letters") {
		t.Errorf("no outcome shown:\n%s", m.render())
	}
	m = press(m, "R", "esc")
	if m.dead().asking {
		t.Error("esc did not cancel the prompt")
	}
	m = update(m, replayedMsg{err: errors.New("boom\x1b[2J")})
	if out := m.render(); !strings.Contains(out, "replay failed: boom") || strings.Contains(out, "\x1b") {
		t.Errorf("failure not shown safely:\n%q", out)
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	m := fixtureModel(fixture(), 120, 40)
	m, cmd := pressCmd(t, press(m, "4"), "e")
	msg := cmd().(exportedMsg)
	m = update(m, msg)
	if msg.err != nil || msg.n != 3 || !strings.HasPrefix(msg.path, "dead-letters-") {
		t.Fatalf("export: %+v", msg)
	}
	if !strings.Contains(m.render(), "exported 3 dead letters to dead-letters-") {
		t.Error("no outcome shown")
	}
	f, err := os.Open(filepath.Join(dir, msg.path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var ids []uint64
	for sc.Scan() {
		if strings.ContainsRune(sc.Text(), '\x1b') {
			t.Error("raw escape in export")
		}
		var rec deadLetterRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	if !slices.Equal(ids, []uint64{4711, 4712, 4790}) {
		t.Errorf("exported %v", ids)
	}
	// a second export in the same second does not overwrite the first
	second := cmd().(exportedMsg)
	if second.err != nil || second.path == msg.path {
		t.Errorf("second export: %+v", second)
	}
}

func TestDetailPane(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(fixture(), 120, 40), "2", "j", "enter")
	out := m.render()
	for _, want := range []string{"validate", "concurrency 4", "timeout 2s", "one-for-one", "last error", "restarted after fatal"} {
		if !strings.Contains(out, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	if m = press(m, "esc"); m.detail() != "" || m.view != viewServices {
		t.Error("esc did not close the detail pane")
	}
	m = press(m, "5", "j", "enter")
	if m.detail() != "decode" {
		t.Errorf("enter in the tree opened %q", m.detail())
	}
	m = press(m, "esc", "4", "enter")
	if !m.dead().open || !strings.Contains(m.render(), "dead letter #4790") {
		t.Error("enter on a dead letter shows no detail")
	}
}

func TestEventsFollow(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(fixture(), 80, 8), "3")
	if !m.events().follow || m.events().off != len(m.groups())-(m.bodyHeight()-2) {
		t.Fatalf("follow=%v off=%d", m.events().follow, m.events().off)
	}
	m = press(m, "k")
	if m.events().follow {
		t.Error("scrolling up kept following")
	}
	m = press(m, "f")
	if !m.events().follow || !strings.Contains(m.render(), "escalation") {
		t.Error("f did not follow the newest events")
	}
}

func TestBottleneck(t *testing.T) {
	t.Parallel()
	s := fixture()
	if i := bottleneck(s.Stages); s.Stages[i].Name != "price-music" {
		t.Errorf("bottleneck %s", s.Stages[i].Name)
	}
	for i := range s.Stages {
		s.Stages[i].Mailbox = 0
	}
	if i := bottleneck(s.Stages); s.Stages[i].Name != "price-music" { // 31 out of 48
		t.Errorf("by ratio: %s", s.Stages[i].Name)
	}
	if bottleneck([]snapshot.Stage{{Name: "idle"}}) != -1 {
		t.Error("an idle flow has a bottleneck")
	}
}

func TestEventsCursorOpensStage(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(fixture(), 120, 40), "3")
	if n := len(m.groups()); m.events().sel != n-1 {
		t.Fatalf("following: selected %d of %d", m.events().sel, n)
	}
	m = press(m, "k", "k", "k")
	if m.events().follow || !strings.Contains(m.render(), "▸ 1m00s restart") {
		t.Fatalf("k k k: follow=%v\n%s", m.events().follow, m.render())
	}
	m = press(m, "enter")
	if m.detail() != "validate" {
		t.Errorf("enter on a restart of validate opened %q", m.detail())
	}
	m = press(m, "esc", "G")
	if !m.events().follow {
		t.Error("G did not resume following")
	}
}

func TestDrainErrorKept(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 80, 24)
	m, _ = pressCmd(t, m, "q")
	nm, cmd := m.Update(drainedMsg{errors.New("deadline: 3 inputs still in flight")})
	if nm.(model).drainErr == nil || cmd == nil {
		t.Error("the drain error is lost or the model did not quit")
	}
}

// The detail pane shows the flow's retry policy and, for a fork, its key.
func TestDetailShowsRetryAndForkKey(t *testing.T) {
	snap := fixture()
	snap.Retry = snapshot.Retry{Attempts: 4, Initial: 5 * time.Millisecond, Max: time.Second}
	var fork string
	for i, s := range snap.Stages {
		if s.Kind == snapshot.KindFork {
			snap.Stages[i].Key = "genre"
			fork = s.Name
		}
	}
	if fork == "" {
		t.Fatal("the fixture has no fork")
	}
	m := fixtureModel(snap, 160, 40)
	m.overlay = detailPane{stage: fork}
	text := strings.Join(detailPane{stage: fork}.lines(m.frame()), "\n")
	for _, want := range []string{"retry 4 attempts, 5ms→1s", "routes on genre"} {
		if !strings.Contains(text, want) {
			t.Errorf("detail of %s lacks %q:\n%s", fork, want, text)
		}
	}
}

func TestTreeMarksEscalatedSupervisors(t *testing.T) {
	snap := fixture()
	if len(snap.Supervisors) == 0 {
		t.Fatal("the fixture has no supervisors")
	}
	m := fixtureModel(snap, 160, 40)
	if line := supLine(m.st, &snap.Supervisors[0]); strings.Contains(line, "ESCALATED") {
		t.Fatalf("a running supervisor marked escalated: %s", line)
	}
	snap.Supervisors[0].Escalated = true
	if line := supLine(m.st, &snap.Supervisors[0]); !strings.Contains(line, "ESCALATED") {
		t.Fatalf("escalated supervisor not marked: %s", line)
	}
}
