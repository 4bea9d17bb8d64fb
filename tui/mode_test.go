package tui

import "testing"

func TestParseMode(t *testing.T) {
	t.Parallel()
	for _, m := range []Mode{Auto, TUI, Plain, JSON, Off} {
		got, err := ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMode("fancy"); err == nil {
		t.Error("ParseMode accepted fancy")
	}
}
