package tui

import (
	"fmt"
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	var w, h int
	fmt.Sscanf(os.Getenv("DUMP"), "%dx%d", &w, &h)
	m := fixtureModel(fixture(), w, h)
	for _, k := range []string{"1", "2", "3", "4", "5"} {
		m = update(m, keyPress(k))
		fmt.Println(m.render())
		fmt.Println("=====")
	}
}
