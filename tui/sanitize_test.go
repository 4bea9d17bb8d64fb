package tui

import "testing"

func TestClean(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"\x1b[2Jclear":          "clear",
		"\x1b]0;title\x07x":     "x",
		"a\tb\nc\rd":            "a b c d",
		"bidi \u202eevil\u202c": "bidi evil",
		"c1 \u009b31m":          "c1 31m",
		"bad \xff utf8":         "bad  utf8", // ansi.Strip drops the stray byte
		"nul\x00 del\x7f":       "nul del",
		"名前":                    "名前",
	} {
		if got := clean(in, 100); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	if got := clean("abcdefghij", 5); got != "abcd…" {
		t.Errorf("cut: %q", got)
	}
	if got := cleanBlock("a\x1b[31m\nb", 100); got != "a\nb" {
		t.Errorf("cleanBlock: %q", got)
	}
}
