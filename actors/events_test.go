package actors

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Messages are cut at a character boundary: a cut in the middle of a UTF-8
// sequence made invalid text in the monitor, the JSON snapshot and the logs.
func TestBoundKeepsUTF8Valid(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdef", 3, "abc…"},
		{"ab€cd", 3, "ab…"},  // € is 3 bytes: cutting inside it drops it whole
		{"ab€cd", 4, "ab…"},  // still inside
		{"ab€cd", 5, "ab€…"}, // right after it
		{"€€", 1, "…"},
		{strings.Repeat("é", 400), 301, strings.Repeat("é", 150) + "…"},
	} {
		got := bound(tc.s, tc.n)
		if got != tc.want || !utf8.ValidString(got) {
			t.Errorf("bound(%q, %d) = %q (valid %v), want %q", tc.s, tc.n, got, utf8.ValidString(got), tc.want)
		}
	}
}
