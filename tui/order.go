package tui

import (
	"strings"

	"github.com/serviceflow/serviceflow/snapshot"
)

// exitSuffix ends the name of a decorator's exit stage, where its After
// runs: "around(timer).after" for "around(timer)".
const exitSuffix = ".after"

// flowOrder ranks the stages in the order an input meets them: the main
// line, each fork's branches one after the other, then the stages after
// the join; a decorator's exit is ranked right beside its entry, so the
// two halves of a decorator read together. Stages in a cycle or off the
// graph follow in topology order. rank[i] is stage i's position.
func flowOrder(stages []snapshot.Stage, edges []snapshot.Edge) []int {
	n := len(stages)
	idx := make(map[int]int, n)
	for i, s := range stages {
		idx[s.ID] = i
	}
	children := make([][]int, n)
	indeg := make([]int, n)
	for _, e := range edges {
		a, okA := idx[e.From]
		b, okB := idx[e.To]
		if okA && okB && a != b {
			children[a] = append(children[a], b)
			indeg[b]++
		}
	}
	// Kahn's algorithm with a stack: the stage that became ready last goes
	// first, so a branch is listed whole before its sibling.
	var order []int
	placed := make([]bool, n)
	var ready []int
	for i := n - 1; i >= 0; i-- {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(order) < n {
		if len(ready) == 0 { // a cycle: break it at its first stage
			for i := range n {
				if !placed[i] {
					ready = append(ready, i)
					break
				}
			}
		}
		v := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		if placed[v] {
			continue
		}
		placed[v] = true
		order = append(order, v)
		for j := len(children[v]) - 1; j >= 0; j-- {
			c := children[v][j]
			if indeg[c]--; indeg[c] == 0 && !placed[c] {
				ready = append(ready, c)
			}
		}
	}
	// each decorator's exit beside its entry
	entry := map[string]int{}
	for i, s := range stages {
		if s.Kind == snapshot.KindAround && !strings.HasSuffix(s.Name, exitSuffix) {
			entry[s.Name] = i
		}
	}
	final := make([]int, 0, n)
	moved := make([]bool, n)
	exits := map[int]int{} // entry → exit
	for i, s := range stages {
		if e, ok := entry[strings.TrimSuffix(s.Name, exitSuffix)]; ok && s.Kind == snapshot.KindAround && strings.HasSuffix(s.Name, exitSuffix) {
			exits[e], moved[i] = i, true
		}
	}
	for _, v := range order {
		if moved[v] {
			continue
		}
		final = append(final, v)
		if x, ok := exits[v]; ok {
			final = append(final, x)
		}
	}
	rank := make([]int, n)
	for r, v := range final {
		rank[v] = r
	}
	return rank
}

// isExit reports whether s is a decorator's exit listed beside its entry.
func isExit(s snapshot.Stage) bool {
	return s.Kind == snapshot.KindAround && strings.HasSuffix(s.Name, exitSuffix)
}
