package jsoncodec

// Unmarshal decodes one JSON value: objects as map[string]any, arrays as
// []any, numbers as json.Number (the literal, for the caller's number
// rule), strings copied out of data. It rejects what encoding/json rejects,
// including data after the value; its error says only that the input is
// not valid: decode again with encoding/json for the reason.
//
// On amd64 and arm64 it uses github.com/bytedance/sonic, about twice as fast
// as encoding/json on flowrun's lines; elsewhere encoding/json ([Fast]
// says which).
func Unmarshal(data []byte) (any, error) { return unmarshal(data) }
