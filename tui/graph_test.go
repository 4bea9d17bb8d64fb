package tui

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/snapshot"
)

func TestLayoutForkJoin(t *testing.T) {
	t.Parallel()
	s := fixture()
	l := layoutGraph(s.Stages, s.Edges, 200)
	if l.vertical {
		t.Fatal("9 stages in 8 layers should fit 200 columns left to right")
	}
	byName := func(n string) int { return indexOfStage(s.Stages, n) }
	route, book, music, enrich := byName("route"), byName("price-book"), byName("price-music"), byName("enrich")
	if l.y[book] != l.y[route] || l.y[music] <= l.y[route] {
		t.Errorf("branches: book at y=%d, music at y=%d, fork at y=%d", l.y[book], l.y[music], l.y[route])
	}
	if l.x[music] != l.x[book] || l.x[enrich] <= l.x[byName("tax-book")] || l.y[enrich] != l.y[route] {
		t.Error("the join is not after the longest branch on the main lane")
	}
	if l := layoutGraph(s.Stages, s.Edges, 80); !l.vertical {
		t.Error("80 columns should fall back to top-down")
	}
}

// TestLayoutNoOverlap draws random flows (chains, forks, joins, skips,
// cycles and bad edges) and checks that no two boxes overlap and that every
// box lies on the canvas.
func TestLayoutNoOverlap(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300; n++ {
		count := 1 + r.IntN(25)
		var stages []snapshot.Stage
		var edges []snapshot.Edge
		for i := 0; i < count; i++ {
			stages = append(stages, snapshot.Stage{ID: i, Name: "s" + itoa(i)})
			if i > 0 {
				for k := 0; k < 1+r.IntN(2); k++ {
					edges = append(edges, snapshot.Edge{From: r.IntN(i), To: i, Label: []string{"", "a", "default"}[r.IntN(3)]})
				}
			}
		}
		if r.IntN(5) == 0 { // a cycle and dangling edges
			edges = append(edges, snapshot.Edge{From: count - 1, To: 0}, snapshot.Edge{From: 99, To: 0}, snapshot.Edge{From: 0, To: -1})
		}
		for _, w := range []int{40, 120, 300} {
			l := layoutGraph(stages, edges, w)
			for i := range stages {
				if l.x[i] < 0 || l.y[i] < 0 || l.x[i]+l.boxW > l.w || l.y[i]+l.boxH > l.h {
					t.Fatalf("flow %d width %d: box %d at (%d,%d) off the %dx%d canvas", n, w, i, l.x[i], l.y[i], l.w, l.h)
				}
				for j := 0; j < i; j++ {
					if abs(l.x[i]-l.x[j]) < l.boxW && abs(l.y[i]-l.y[j]) < l.boxH {
						t.Fatalf("flow %d width %d: boxes %d and %d overlap", n, w, i, j)
					}
				}
			}
			c := drawGraph(snapshot.Snapshot{Stages: stages, Edges: edges}, l, "s0", 0, 0, l.w, l.h)
			for _, line := range c.lines(newStyles(false)) {
				if strings.ContainsRune(line, 0) {
					t.Fatal("NUL on the canvas")
				}
			}
		}
	}
}

func abs(x int) int { return max(x, -x) }
