package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Bounds on text that comes from data.
const (
	maxName   = 64      // stage, supervisor and flow names
	maxLine   = 512     // one-line messages and errors
	maxDetail = 1 << 16 // a dead letter's pretty-printed input
)

// clean makes s safe to show on one line: escape sequences are stripped,
// control and format characters (bidi overrides included) are dropped,
// whitespace becomes a space and the result is cut to max cells.
func clean(s string, max int) string {
	if len(s) > max*8 { // what is cut needs no filtering
		s = s[:max*8]
	}
	return cut(filter(s, false), max)
}

// cleanBlock is clean for multi-line text: newlines are kept.
func cleanBlock(s string, max int) string {
	if len(s) > max*4 {
		s = s[:max*4]
	}
	out := filter(s, true)
	if len(out) > max {
		out = strings.ToValidUTF8(out[:max], "") + "\n… (truncated)"
	}
	return out
}

func filter(s string, keepNewlines bool) string {
	if len(s) > maxDetail*4 {
		s = s[:maxDetail*4]
	}
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(unicode.ReplacementChar)
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			// dropped: C0, DEL, C1 (a lone CSI is 0x9b) and invisible
			// format characters such as bidi overrides.
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cut bounds s to max terminal cells, marking the cut with an ellipsis.
func cut(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if len(s) <= max { // fast path: n bytes never exceed n cells
		return s
	}
	if ansi.StringWidth(s) <= max {
		return s
	}
	return ansi.Truncate(s, max, "…")
}
