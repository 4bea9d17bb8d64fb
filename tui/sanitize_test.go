package tui

import (
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

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

// FuzzClean: whatever the data, clean's result has no escape or control
// character and fits its bound.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x1b]0;t\x07", "\u009b1m", "名前\u202e", "\xff\xfe", "a\tb\r\n"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n%200 + 1
		if n < 1 {
			n = -n + 1
		}
		out := clean(s, n)
		if w := ansi.StringWidth(out); w > n {
			t.Fatalf("clean(%q, %d) is %d cells", s, n, w)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || unicode.Is(unicode.Cf, r) {
				t.Fatalf("clean(%q) kept %U", s, r)
			}
		}
		for _, r := range cleanBlock(s, 1000) {
			if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0) {
				t.Fatalf("cleanBlock(%q) kept %U", s, r)
			}
		}
	})
}
