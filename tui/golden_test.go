package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/serviceflow/serviceflow/snapshot"
)

// updating reports whether -update was given (the flag is registered by
// charmbracelet/x/exp/golden, which teatest imports).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

var sizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}

// TestGoldenViews compares every view at three sizes, without colour, to
// testdata/golden; go test -run TestGoldenViews -update rewrites them.
func TestGoldenViews(t *testing.T) {
	for _, size := range sizes {
		for v := range numViews {
			name := fmt.Sprintf("%s_%dx%d", strings.ReplaceAll(strings.ToLower(viewNames[v]), " ", "-"), size[0], size[1])
			t.Run(name, func(t *testing.T) {
				m := fixtureModel(fixture(), size[0], size[1])
				m = update(m, keyPress(itoa(int(v)+1)))
				checkGolden(t, name, m.render())
			})
		}
	}
	extra := map[string][]string{
		"detail-validate": {"2", "j", "enter"},
		"deadletter-open": {"4", "G", "enter"},
		"help":            {"?"},
		"services-sorted": {"2", "s", "s", "s", "s", "s", "/", "p", "r", "i", "enter"},
		"graph-scrolled":  {"1", "G"},
		"events-filtered": {"3", "/", "v", "a", "l", "enter"},
		"replay-prompt":   {"4", "R"},
	}
	for name, keys := range extra {
		t.Run(name, func(t *testing.T) {
			m := fixtureModel(fixture(), 120, 40)
			for _, k := range keys {
				m = update(m, keyPress(k))
			}
			checkGolden(t, name+"_120x40", m.render())
		})
	}
}

// TestGoldenSummary is the summary held when the run is over, at 80×24.
func TestGoldenSummary(t *testing.T) {
	m := fixtureModel(fixture(), 80, 24)
	m = update(update(m, endedMsg{}), snapMsg{final()})
	checkGolden(t, "summary_80x24", m.render())
}

// TestGoldenTapAndScrubber are the tap pane on validate and the scrubber
// of a display stepped back, at 120×40.
func TestGoldenTapAndScrubber(t *testing.T) {
	m := fixtureModel(fixture(), 120, 40)
	m.src = &tapSource{fakeSource: &fakeSource{snap: fixture()}, sample: tapSamples()}
	m, cmd := pressCmd(t, press(m, "2", "j"), "t")
	checkGolden(t, "tap_120x40", drive(m, cmd).render())
	checkGolden(t, "scrubber_120x40", press(fixtureModel(fixture(), 120, 40), "2", "[", "[", "[").render())
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if updating() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, path, got)
	}
	if strings.ContainsRune(got, '\x1b') {
		t.Errorf("%s: ANSI escape in plain output", name)
	}
}

// TestViewsFit checks that every line of every view, at sizes from tiny to
// huge, with ordinary and hostile data, fits the window and that nothing
// from the data reaches the terminal as an escape or control character.
func TestViewsFit(t *testing.T) {
	t.Parallel()
	fixtures := map[string]func() func() snapshot.Snapshot{
		"fixture": func() func() snapshot.Snapshot { return fixture },
		"hostile": func() func() snapshot.Snapshot { return hostile },
		"many":    func() func() snapshot.Snapshot { return func() snapshot.Snapshot { return manyStages(60) } },
		"weird":   func() func() snapshot.Snapshot { return weird },
	}
	screens := [][]string{{"1"}, {"2"}, {"3"}, {"4"}, {"5"}, {"?"}, {"2", "enter"}, {"4", "enter"},
		{"1", "G", "enter"}, {"4", "G", "enter", "G"}, {"5", "j", "j", "enter"}, {"3", "/", "x"}, {"4", "R"},
		{"[", "{"}, {"2", "space", "[", "["}, {"ended"}, {"ended", "esc", "3"}}
	for fname, f := range fixtures {
		for _, size := range [][2]int{{20, 5}, {1, 1}, {40, 10}, {80, 24}, {120, 40}, {200, 60}, {300, 100}} {
			for _, color := range []bool{false, true} {
				base := fixtureModel(f()(), size[0], size[1])
				base.st = newStyles(color)
				base.help = base.st.help()
				for _, keys := range screens {
					m := base
					for _, k := range keys {
						if k == "ended" { // the run is over: the summary
							m = update(update(m, endedMsg{}), snapMsg{f()()})
							continue
						}
						m = update(m, keyPress(k))
					}
					out := m.render()
					lines := strings.Split(out, "\n")
					if len(lines) != size[1] {
						t.Errorf("%s %v %v: %d lines, want %d", fname, size, keys, len(lines), size[1])
					}
					for i, l := range lines {
						if w := ansi.StringWidth(l); w > size[0] {
							t.Errorf("%s %v %v line %d: width %d > %d: %q", fname, size, keys, i, w, size[0], l)
						}
						plain := ansi.Strip(l)
						for _, r := range plain {
							if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' {
								t.Errorf("%s %v %v line %d: control %U in %q", fname, size, keys, i, r, plain)
							}
						}
					}
					if !color && strings.ContainsRune(out, '\x1b') {
						t.Errorf("%s %v %v: escape without colour", fname, size, keys)
					}
				}
			}
		}
	}
}
