//go:build (amd64 || arm64) && !go1.28

package jsoncodec

import "github.com/bytedance/sonic"

// Fast says whether Unmarshal uses the faster decoder on this platform.
const Fast = true

// sonicAPI keeps numbers as literals and validates strings as
// encoding/json does (UTF-8, no raw control characters). Its strings point
// into the text it decodes: unmarshal hands it a copy of data (the caller
// reuses its buffer), one allocation for all of a line's strings.
var sonicAPI = sonic.Config{UseNumber: true, ValidateString: true}.Froze()

func unmarshal(data []byte) (any, error) {
	var v any
	if err := sonicAPI.UnmarshalFromString(string(data), &v); err != nil {
		return nil, err
	}
	return v, nil
}
