package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// An attached monitor (flowrun attach) says q detaches, and q does: it
// quits at once without asking the source to drain.
func TestAttachedQuitDetaches(t *testing.T) {
	t.Parallel()
	src := &fakeSource{snap: fixture()}
	m := fixtureModel(fixture(), 120, 40).attach()
	m.src = src
	if out := m.render(); !strings.Contains(out, "q detach") || strings.Contains(out, "drain & quit") {
		t.Errorf("the footer of an attached monitor:\n%s", out)
	}
	if out := press(m, "?").render(); !strings.Contains(out, "detach") || strings.Contains(out, "drain & quit") {
		t.Errorf("the help of an attached monitor:\n%s", out)
	}
	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd := pressCmd(t, m, k)
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s did not quit at once", k)
		}
	}
	if _, _, drained, _ := src.counts(); drained != 0 {
		t.Errorf("detaching drained the flow %d times", drained)
	}
	// typing a filter, q is a letter
	if m := press(m, "2", "/", "q"); m.services().filter != "q" {
		t.Errorf("q while typing a filter: filter %q", m.services().filter)
	}
}

// In a small window the help overlay scrolls, and every key's description
// is shown whole at some scroll position.
func TestHelpScrollsInSmallWindows(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(fixture(), 44, 12), "?")
	seen := map[string]bool{}
	for range 60 {
		for _, l := range strings.Split(m.render(), "\n") {
			seen[strings.TrimSpace(l)] = true
		}
		m = press(m, "j")
	}
	all := strings.Join(keysOf(seen), "\n")
	for _, g := range m.keys.FullHelp() {
		for _, b := range g {
			if b.Enabled() && !strings.Contains(all, b.Help().Desc) {
				t.Errorf("help never shows %q (%s) at 44×12", b.Help().Desc, b.Help().Key)
			}
		}
	}
	if !strings.Contains(all, "STOP") || !strings.Contains(all, "PAUSED") || !strings.Contains(all, "decorator") {
		t.Error("the legend is cut")
	}
}

func keysOf(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The state column shows a stage's state whole ("backpressure", not
// "backpres"), in the services table and the supervision tree.
func TestStateColumnNotCut(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2", "5"} {
		if out := press(fixtureModel(fixture(), 120, 40), v).render(); !strings.Contains(out, "backpressure") {
			t.Errorf("view %s cuts the state:\n%s", v, out)
		}
	}
}

// A decorator is not drawn with the fork's rounded corners, which the
// legend reserves for forks.
func TestDecoratorShapeIsNotAFork(t *testing.T) {
	t.Parallel()
	s := demoSnapshot(t)
	for _, w := range []int{80, 300} {
		l := layoutGraph(s.Stages, s.Edges, w)
		c := drawGraph(s, l, "", 0, 0, l.w, l.h)
		for i, st := range s.Stages {
			corner := drawn(c.at(l.x[i], l.y[i]))
			switch st.Kind {
			case snapshot.KindAround:
				if corner == '╭' || drawn(c.at(l.x[i]+l.boxW/2, l.y[i]+l.boxH-1)) != '┄' {
					t.Errorf("width %d: decorator %s drawn as %c…", w, st.Name, corner)
				}
			case snapshot.KindFork:
				if corner != '╭' {
					t.Errorf("width %d: fork %s drawn as %c…", w, st.Name, corner)
				}
			}
		}
	}
}

// Services are listed in flow order: the branches' stages right after
// their fork, the stages after the join after them, and each decorator's
// exit right beside its entry, marked ↳.
func TestServicesInFlowOrder(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(demoSnapshot(t), 160, 40), "2")
	want := []string{"around(timer)", "around(timer).after", "validate", "price", "fork(kind)", "discount", "vat", "license",
		"cold-chain", "manual-review", "payment", "warehouse", "ship", "results"}
	if got := m.rows(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("services in order\n%v\nwant\n%v", got, want)
	}
	if out := m.render(); !strings.Contains(out, "↳ around(timer).after") {
		t.Errorf("the decorator's exit is not marked beside its entry:\n%s", out)
	}
}

// New dead letters arrive at the top of the list (newest first) without
// moving the rows under the cursor; the list says how many are above.
func TestDeadLettersStayUnderTheCursor(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(fixture(), 120, 40), "4", "j")
	row := func(m model) (int, string) {
		for i, l := range strings.Split(m.render(), "\n") {
			if strings.HasPrefix(l, "▸") {
				return i, strings.Fields(l)[1]
			}
		}
		return -1, ""
	}
	before, id := row(m)
	if id != "#4712" {
		t.Fatalf("selected %s, want #4712", id)
	}
	s := fixture()
	for _, n := range []uint64{4800, 4801} {
		s.DeadLetters = append(s.DeadLetters, snapshot.DeadLetter{ID: n, Time: s.Taken, Stage: "validate", Err: "new", Attempts: 1})
	}
	m = update(m, snapMsg{s})
	if after, id := row(m); after != before || id != "#4712" {
		t.Errorf("the cursor moved from line %d to %d (%s) as dead letters arrived:\n%s", before, after, id, m.render())
	}
	if !strings.Contains(m.render(), "↑ 2 newer") {
		t.Errorf("no sign of the newer dead letters above:\n%s", m.render())
	}
	if m = press(m, "g"); !strings.Contains(m.render(), "#4801") {
		t.Errorf("g does not show the newest:\n%s", m.render())
	}
}
