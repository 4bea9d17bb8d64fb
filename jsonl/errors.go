package jsonl

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reasons a line is rejected. A [*LineError] unwraps to exactly one of them,
// so callers branch with errors.Is(err, jsonl.ErrTooLong).
var (
	ErrSyntax       = errors.New("invalid JSON")
	ErrTooLong      = errors.New("line too long")
	ErrTooDeep      = errors.New("nesting too deep")
	ErrNotObject    = errors.New("not a JSON object")
	ErrInvalidUTF8  = errors.New("invalid UTF-8 or NUL byte")
	ErrDuplicateKey = errors.New("duplicate key")
	ErrTrailingData = errors.New("trailing data after object")
	ErrNumberRange  = errors.New("number out of range")
	ErrTooManyKeys  = errors.New("too many keys")
	ErrInvalidInput = errors.New("invalid input") // rejected by the Check option
)

// errUnexpectedEnd replaces io.ErrUnexpectedEOF from encoding/json, so that a
// truncated line is not mistaken for a failing reader.
var errUnexpectedEnd = errors.New("unexpected end of input")

// A LineError reports one malformed line. It is not final: the [Reader]
// that returned it continues with the next line.
//
// Every field is safe to print to a terminal or a log: Preview is quoted, and
// Err never carries unbounded or unescaped input.
type LineError struct {
	Line    int    // 1-based line number in the stream; 0 for [Decode]
	Reason  string // Kind.Error(), e.g. "invalid JSON"
	Preview string // start of the raw line, Go-quoted, at most 200 bytes
	Kind    error  // the sentinel: ErrSyntax, ErrTooLong, ...
	Err     error  // detail, such as a *json.SyntaxError; may be nil
}

// Error returns a single line of text such as
//
//	line 12: invalid JSON: unexpected end of input (preview: "{\"a\": 1")
func (e *LineError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	b.WriteString(" (preview: ")
	b.WriteString(e.Preview)
	b.WriteString(")")
	return b.String()
}

// Unwrap returns the sentinel and, if there is one, the detail error.
func (e *LineError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// problem is the position-free result of decoding one line; the caller adds
// the line number and preview.
type problem struct {
	kind   error
	detail error
}

func (p *problem) lineError(line int, raw []byte) *LineError {
	return &LineError{Line: line, Reason: p.kind.Error(), Preview: preview(raw), Kind: p.kind, Err: p.detail}
}

// previewMax bounds the output of preview, quotes and ellipsis included.
const previewMax = 200

const ellipsis = "..."

// preview quotes the start of raw with strconv.Quote, so control bytes,
// terminal escape sequences and invalid UTF-8 appear only as escapes. It
// cuts at a rune boundary so that the result, plus "..." if cut, is at most
// previewMax bytes.
func preview(raw []byte) string {
	if len(raw) <= previewMax {
		if q := strconv.Quote(string(raw)); len(q) <= previewMax {
			return q
		}
	}
	// Binary search for the longest prefix that fits; prefix 0 always does.
	fits := func(n int) bool {
		return len(strconv.Quote(string(raw[:runeStart(raw, n)])))+len(ellipsis) <= previewMax
	}
	lo, hi := 0, min(len(raw), previewMax)
	for lo < hi {
		if mid := (lo + hi + 1) / 2; fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strconv.Quote(string(raw[:runeStart(raw, lo)])) + ellipsis
}

// runeStart moves n back to the start of a rune if raw[n] is in the middle of
// a valid one, so a preview never splits a character into \x escapes.
func runeStart(raw []byte, n int) int {
	n = max(n, 0)
	if n >= len(raw) || utf8.RuneStart(raw[n]) {
		return n
	}
	for j := n - 1; j >= 0 && j > n-utf8.UTFMax; j-- {
		if utf8.RuneStart(raw[j]) {
			if _, size := utf8.DecodeRune(raw[j:]); size > 1 && j+size > n {
				return j
			}
			break
		}
	}
	return n
}
