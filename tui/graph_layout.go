package tui

import "github.com/serviceflow/serviceflow/snapshot"

// glayout places each stage's box on a canvas: layers (longest path from a
// source) left to right and lanes (a fork's branches) top to bottom, or, when
// that is too wide, layers top to bottom and lanes left to right.
type glayout struct {
	vertical   bool
	boxW, boxH int
	x, y       []int // top-left corner of stage i's box
	w, h       int   // canvas size
	edges      [][2]int
	labels     []string
	indeg      []int
}

func layoutGraph(stages []snapshot.Stage, edges []snapshot.Edge, width int) glayout {
	n := len(stages)
	idx := make(map[int]int, n)
	for i, s := range stages {
		idx[s.ID] = i
	}
	parents := make([][]int, n)
	children := make([][]int, n)
	l := glayout{indeg: make([]int, n), x: make([]int, n), y: make([]int, n)}
	for _, e := range edges {
		a, okA := idx[e.From]
		b, okB := idx[e.To]
		if !okA || !okB || a == b {
			continue
		}
		parents[b] = append(parents[b], a)
		children[a] = append(children[a], b)
		l.indeg[b]++
		l.edges = append(l.edges, [2]int{a, b})
		l.labels = append(l.labels, clean(e.Label, maxName))
	}

	// Topological order, preferring stage order; a cycle is broken at its
	// first stage.
	layer := make([]int, n)
	lane := make([]int, n)
	done := make([]bool, n)
	order := make([]int, 0, n)
	for len(order) < n {
		progress := false
		for v := 0; v < n; v++ {
			if done[v] || !allDone(parents[v], done) {
				continue
			}
			done[v], progress = true, true
			order = append(order, v)
		}
		if !progress {
			for v := 0; v < n; v++ {
				if !done[v] {
					done[v] = true
					order = append(order, v)
					break
				}
			}
		}
	}
	placed := make([]bool, n)
	for _, v := range order {
		for _, p := range parents[v] {
			if placed[p] {
				layer[v] = max(layer[v], layer[p]+1)
			}
		}
		placed[v] = true
	}

	// Lanes: a stage continues its single parent's lane unless a sibling
	// took it; a join takes the lowest lane of its parents.
	nextLane := 0
	passed := make([]bool, n)
	taken := map[[2]int]bool{}
	for i := range lane {
		lane[i] = -1
	}
	for _, v := range order {
		ps := parents[v]
		switch {
		case len(ps) == 0:
			lane[v] = nextLane
			nextLane++
		case len(ps) > 1:
			lane[v] = lane[ps[0]]
			for _, p := range ps {
				if lane[p] >= 0 && lane[p] < lane[v] {
					lane[v] = lane[p]
				}
			}
		case !passed[ps[0]] && lane[ps[0]] >= 0:
			lane[v] = lane[ps[0]]
			passed[ps[0]] = true
		default:
			lane[v] = nextLane
			nextLane++
		}
		if lane[v] < 0 || taken[[2]int{layer[v], lane[v]}] {
			lane[v] = nextLane
			nextLane++
		}
		taken[[2]int{layer[v], lane[v]}] = true
	}
	layers, lanes := 1, max(nextLane, 1)
	for _, ly := range layer {
		layers = max(layers, ly+1)
	}

	if layers*(minBoxW+layerGap)-layerGap <= width || n == 0 {
		l.boxW, l.boxH = max(minBoxW, min(maxBoxW, (width+layerGap)/layers-layerGap)), boxH
		for v := range stages {
			l.x[v] = layer[v] * (l.boxW + layerGap)
			l.y[v] = lane[v] * (l.boxH + laneGap)
		}
		l.w = layers*(l.boxW+layerGap) - layerGap
		l.h = lanes*(l.boxH+laneGap) - laneGap
		return l
	}
	// Top down, height is scarce and width is not: flat boxes.
	l.vertical = true
	l.boxW, l.boxH = max(minFlatW, min(maxFlatW, (width+2)/lanes-2)), flatH
	for v := range stages {
		l.x[v] = lane[v] * (l.boxW + 2)
		l.y[v] = layer[v] * (l.boxH + 2)
	}
	l.w = lanes*(l.boxW+2) - 2
	l.h = layers*(l.boxH+2) - 2
	return l
}

func allDone(vs []int, done []bool) bool {
	for _, v := range vs {
		if !done[v] {
			return false
		}
	}
	return true
}
