package jsonl

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want error
		msg  string
	}{
		{``, ErrSyntax, `invalid JSON: unexpected end of input (preview: "")`},
		{"\xef\xbb\xbf{}", ErrSyntax, ``},
		{`{"a":1,"a":2}`, ErrDuplicateKey, `duplicate key: "a" (preview: "{\"a\":1,\"a\":2}")`},
		{`[1]`, ErrNotObject, `not a JSON object: got array (preview: "[1]")`},
		{`{"n":1e999}`, ErrNumberRange, `number out of range: "1e999" (preview: "{\"n\":1e999}")`},
		{`{"a":[1e999],"b":2e999,"c":3e999}`, ErrNumberRange, `number out of range: "1e999" (preview: "{\"a\":[1e999],\"b\":2e999,\"c\":3e999}")`},
		{`{"n":1` + strings.Repeat("0", 309) + `}`, ErrNumberRange, ``},
		{`{"a":1} x`, ErrTrailingData, `trailing data after object: at offset 8 (preview: "{\"a\":1} x")`},
		{"{\"a\":\"\x1b[31m\"}", ErrSyntax, ``},
		{"{\"a\":\"\xff\"}", ErrInvalidUTF8, `invalid UTF-8 or NUL byte: at offset 6 (preview: "{\"a\":\"\xff\"}")`},
		{strings.Repeat("[", 65), ErrTooDeep, ``},
	}
	for _, tt := range tests {
		_, err := Decode([]byte(tt.line))
		if !errors.Is(err, tt.want) {
			t.Errorf("Decode(%q) error = %v, want %v", tt.line, err, tt.want)
			continue
		}
		if tt.msg != "" && err.Error() != tt.msg {
			t.Errorf("Decode(%q) error =\n  %s\nwant\n  %s", tt.line, err, tt.msg)
		}
		if !safeText(err.Error()) {
			t.Errorf("Decode(%q) error %q contains control bytes", tt.line, err)
		}
	}
}

func TestDecodeLongIntegerInRange(t *testing.T) {
	t.Parallel()
	m, err := Decode([]byte(`{"n":1` + strings.Repeat("0", 308) + `}`))
	if err != nil || m["n"] != 1e308 {
		t.Fatalf("Decode = %v, %v; want 1e308", m, err)
	}
}

func TestDecodeSyntaxErrorDetail(t *testing.T) {
	t.Parallel()
	_, err := Decode([]byte(`{"a":x}`))
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset != 6 {
		t.Fatalf("Decode error = %v, want a *json.SyntaxError at offset 6", err)
	}
}

func TestDecodeDuplicateKeysIsLinear(t *testing.T) {
	t.Parallel()
	// 100k distinct keys: quadratic checking would take minutes.
	var b strings.Builder
	b.WriteString("{")
	for i := range 100000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"` + strings.Repeat("k", i%7) + itoaKey(i) + `":1`)
	}
	b.WriteString("}")
	m, err := Decode([]byte(b.String()), MaxLineSize(10<<20))
	if err != nil || len(m) != 100000 {
		t.Fatalf("Decode = %d keys, %v", len(m), err)
	}
}

func itoaKey(i int) string {
	const digits = "0123456789abcdef"
	s := ""
	for ; i > 0; i /= 16 {
		s = string(digits[i%16]) + s
	}
	return "_" + s
}

func TestPreview(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, want string
	}{
		{``, `""`},
		{`{"a":1}`, `"{\"a\":1}"`},
		{"\x1b[2J\x07\x00\r", `"\x1b[2J\a\x00\r"`},
		{"\u202e\u0085é", `"\u202e\u0085é"`},
		{"\xff", `"\xff"`},
		{strings.Repeat("a", 198), `"` + strings.Repeat("a", 198) + `"`},
		{strings.Repeat("a", 199), `"` + strings.Repeat("a", 195) + `"...`},
		{strings.Repeat("\x00", 100), `"` + strings.Repeat(`\x00`, 48) + `"...`},
		{strings.Repeat("é", 200), `"` + strings.Repeat("é", 97) + `"...`},
	}
	for _, tt := range tests {
		got := preview([]byte(tt.raw))
		if got != tt.want {
			t.Errorf("preview(%q) =\n  %s\nwant\n  %s", tt.raw, got, tt.want)
		}
		if len(got) > previewMax || !safeText(got) {
			t.Errorf("preview(%q) = %q: too long or unsafe", tt.raw, got)
		}
	}
}

// safeText reports whether s is valid UTF-8 without C0 or C1 control
// characters or DEL.
func safeText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}
