// Package jsoncodec is the JSON encoder of the hot path: the result lines
// flowrun writes. (The lines it reads are decoded in one pass by package
// jsonl.)
//
// Encoding is append-style and reflection-free for the values a decoded
// JSON line and the built-in services produce (nil, bool, string, the
// integer and float kinds, map[string]any, []any); any other value is
// handed to encoding/json. Either way the bytes are exactly those of an
// encoding/json Encoder with SetEscapeHTML(false), without its newline:
// map keys sorted, floats in encoding/json's ES6 form, U+2028/U+2029 and
// invalid UTF-8 escaped the same way.
package jsoncodec
