package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/snapshot"
)

// demoSnapshot is a snapshot of flowrun demo: a decorator around the flow,
// a fork by kind with a two-stage branch (digital: vat → license), two
// single-stage branches and a default, rejoining at payment.
func demoSnapshot(t testing.TB) snapshot.Snapshot {
	t.Helper()
	f, err := os.Open("testdata/demo-snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := snapshot.NewDecoder(f).Decode()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// connected reports whether the canvas has a line from the cell where an
// edge leaves (x1, y1) to the cell where it enters (x2, y2), following only
// cells whose lines meet.
func connected(c *canvas, x1, y1, x2, y2 int) bool {
	type pt struct{ x, y int }
	dirs := []struct {
		dx, dy    int
		out, back uint8
	}{{1, 0, lineRight, lineLeft}, {-1, 0, lineLeft, lineRight}, {0, 1, lineDown, lineUp}, {0, -1, lineUp, lineDown}}
	seen := map[pt]bool{{x1, y1}: true}
	queue := []pt{{x1, y1}}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == (pt{x2, y2}) {
			return true
		}
		a := c.at(p.x, p.y)
		for _, d := range dirs {
			q := pt{p.x + d.dx, p.y + d.dy}
			b := c.at(q.x, q.y)
			if b == nil || seen[q] || a.lines&d.out == 0 || b.lines&d.back == 0 {
				continue
			}
			seen[q] = true
			queue = append(queue, q)
		}
	}
	return false
}

// drawn is the rune a cell shows.
func drawn(p *cell) rune {
	if p.r != 0 {
		return p.r
	}
	return lineRunes[p.lines]
}

// TestGraphEdgesConnect checks, in both layouts, that every edge is drawn
// as a line that touches the box it leaves and reaches the arrow into the
// box it enters: every branch visibly leaves its fork and rejoins.
func TestGraphEdgesConnect(t *testing.T) {
	t.Parallel()
	for name, s := range map[string]snapshot.Snapshot{"demo": demoSnapshot(t), "fixture": fixture()} {
		for _, w := range []int{80, 120, 300} {
			l := layoutGraph(s.Stages, s.Edges, w)
			c := drawGraph(s, l, "", 0, 0, l.w, l.h)
			for _, e := range l.edges {
				a, b := e[0], e[1]
				// the cell beside the box the edge leaves must be drawn
				// with a stroke towards it
				x1, y1, touch := l.x[a]+l.boxW/2, l.y[a]+l.boxH, "│├┤┴┼└┘▼"
				x2, y2 := l.x[b]+l.boxW/2, l.y[b]-1
				if !l.vertical {
					x1, y1, touch = l.x[a]+l.boxW, l.y[a]+2, "─┤┬┴┼┐┘▶"
					x2, y2 = l.x[b]-1, l.y[b]+2
				}
				if p := c.at(x1, y1); p == nil || !strings.ContainsRune(touch, drawn(p)) {
					t.Errorf("%s at width %d: the edge %s → %s does not touch %s", name, w, s.Stages[a].Name, s.Stages[b].Name, s.Stages[a].Name)
				}
				if !connected(c, x1, y1, x2, y2) {
					t.Errorf("%s at width %d: no line from %s to %s", name, w, s.Stages[a].Name, s.Stages[b].Name)
				}
			}
		}
	}
}
