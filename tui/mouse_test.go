package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func click(m model, x, y int) model {
	return update(m, tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
}

func TestMouseClickTabs(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 120, 40)
	// " 1 Graph   2 Services   3 Events   4 Dead letters (3)   5 Supervision"
	for _, c := range []struct {
		x    int
		want view
	}{{2, viewGraph}, {14, viewServices}, {26, viewEvents}, {40, viewDead}, {60, viewTree}, {1, viewGraph}} {
		if m = click(m, c.x, headerLines); m.view != c.want {
			t.Errorf("click at x=%d on the tabs: view %v, want %v", c.x, m.view, c.want)
		}
	}
	if m = click(m, 119, headerLines); m.view != viewGraph {
		t.Errorf("a click right of the tabs switched to %v", m.view)
	}
}

func TestMouseClickRows(t *testing.T) {
	t.Parallel()
	body := headerLines + 1
	m := press(fixtureModel(fixture(), 120, 40), "2")
	if m = click(m, 10, body+1+5); m.services().cursor != "price-music" { // row 0 is the titles
		t.Errorf("click on the 6th service: cursor %q", m.services().cursor)
	}
	m = press(m, "4")
	if m = click(m, 10, body+1+2); m.dead().sel != 4711 {
		t.Errorf("click on the 3rd dead letter: selected #%d", m.dead().sel)
	}
	m = press(m, "3")
	if m = click(m, 10, body+1); m.events().follow || m.events().sel != 0 {
		t.Errorf("click on the first event: sel %d follow %v", m.events().sel, m.events().follow)
	}
	m = press(m, "5")
	if m = click(m, 10, body+2); m.panes[viewTree].(treePane).sel != 2 {
		t.Errorf("click on the tree's 3rd line: sel %d", m.panes[viewTree].(treePane).sel)
	}
}

func TestMouseClickGraphNode(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 200, 60)
	f := m.frame()
	l := layoutGraph(f.snap.Stages, f.snap.Edges, f.w)
	i := indexOfStage(f.snap.Stages, "price-music")
	// the body's first line is the legend, then the canvas
	m = click(m, l.x[i]+3, headerLines+1+1+l.y[i]+2)
	if m.graph().sel != "price-music" {
		t.Errorf("click on price-music's box selected %q", m.graph().sel)
	}
	if m = click(m, l.x[i]+3, headerLines+1+1+l.y[i]+l.boxH); m.graph().sel != "price-music" {
		t.Errorf("a click between boxes changed the selection to %q", m.graph().sel)
	}
}

func TestMouseWheelScrolls(t *testing.T) {
	t.Parallel()
	m := press(fixtureModel(manyStages(200), 80, 24), "2")
	m = update(m, tea.MouseWheelMsg{X: 5, Y: 10, Button: tea.MouseWheelDown})
	m = update(m, tea.MouseWheelMsg{X: 5, Y: 10, Button: tea.MouseWheelDown})
	if m.services().cursor != "service-006" {
		t.Errorf("two notches down: cursor %q, want service-006", m.services().cursor)
	}
	m = update(m, tea.MouseWheelMsg{X: 5, Y: 10, Button: tea.MouseWheelUp})
	if m.services().cursor != "service-003" {
		t.Errorf("one notch up: cursor %q", m.services().cursor)
	}
	m = press(m, "enter")
	m = update(m, tea.MouseWheelMsg{X: 5, Y: 10, Button: tea.MouseWheelDown})
	if d, ok := m.overlay.(detailPane); !ok || d.off != wheelRows {
		t.Errorf("the wheel does not scroll the detail pane: %+v", m.overlay)
	}
}
