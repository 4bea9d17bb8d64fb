//go:build !((amd64 || arm64) && !go1.28)

package jsoncodec

// Fast says whether Unmarshal uses the faster decoder on this platform.
const Fast = false

func unmarshal(data []byte) (any, error) { return unmarshalStd(data) }
