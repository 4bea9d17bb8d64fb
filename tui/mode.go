package tui

import (
	"fmt"
	"strings"
)

var modeNames = [...]string{Auto: "auto", TUI: "tui", Plain: "plain", JSON: "json", Off: "off"}

// String is the mode's name as ParseMode reads it.
func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode reads auto, tui, plain, json or off (any case).
func ParseMode(s string) (Mode, error) {
	for i, n := range modeNames {
		if strings.EqualFold(s, n) {
			return Mode(i), nil
		}
	}
	return Auto, fmt.Errorf("tui: unknown mode %q (want %s)", s, strings.Join(modeNames[:], ", "))
}
