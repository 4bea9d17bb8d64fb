// Package jsonl reads and writes JSON lines: one JSON object per line.
//
// It is meant for untrusted streams. A [Reader] never lets bad input crash
// or stop the stream: every malformed line yields one [*LineError] that says
// which line, why (a sentinel such as [ErrTooLong] that callers can test with
// errors.Is) and how it started (an escaped, bounded preview), and the next
// call to [Reader.Next] carries on with the following line. Only errors of
// the underlying io.Reader end the stream.
//
// Use [Reader] for a stream, [Decode] for a single line (it applies exactly
// the same rules), and [Writer] to produce lines that a Reader accepts.
//
// Values are decoded as encoding/json does into an any, with two changes that
// keep numbers exact: a literal that denotes an integer that fits in an int
// becomes that int exactly (read from the text, so 9007199254740993.0 is not
// rounded), all other numbers float64 (the project's one rule for numbers,
// shared with package flow and the registry). Objects become
// map[string]any and arrays []any, recursively. The [Check] option adds a
// caller's rule on the decoded object, such as a flow file's declared input
// types; an object it rejects is a malformed line ([ErrInvalidInput]).
package jsonl
