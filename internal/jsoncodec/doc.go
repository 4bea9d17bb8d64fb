// Package jsoncodec is the JSON codec of the hot path: the lines flowrun
// reads and the result lines it writes.
//
// Encoding is append-style and reflection-free for the values a decoded
// JSON line and the built-in services produce (nil, bool, string, the
// integer and float kinds, map[string]any, []any); any other value is
// handed to encoding/json. Either way the bytes are exactly those of an
// encoding/json Encoder with SetEscapeHTML(false), without its newline:
// map keys sorted, floats in encoding/json's ES6 form, U+2028/U+2029 and
// invalid UTF-8 escaped the same way.
//
// Decoding ([Unmarshal]) uses a faster decoder where the platform has one
// and encoding/json elsewhere; both give the same values (numbers as
// json.Number) and both reject the same input, but only encoding/json's
// error text is kept: on any error the caller decodes again with
// [UnmarshalStd] to report it.
package jsoncodec
