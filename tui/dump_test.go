package tui

import (
	"fmt"
	"os"
	"testing"
)

// TestPrintViews prints every view of the fixture, for screenshots:
//
//	TUI_PRINT=120x40 go test ./tui -run TestPrintViews -v
func TestPrintViews(t *testing.T) {
	size := os.Getenv("TUI_PRINT")
	if size == "" {
		t.Skip("a tool, not a check: TUI_PRINT=120x40 go test ./tui -run TestPrintViews -v prints every view")
	}
	var w, h int
	if _, err := fmt.Sscanf(size, "%dx%d", &w, &h); err != nil {
		t.Fatal(err)
	}
	m := fixtureModel(fixture(), w, h)
	for v := range numViews {
		m = press(m, itoa(int(v)+1))
		fmt.Println(m.render())
	}
}
