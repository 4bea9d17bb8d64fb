package jsoncodec

import (
	"bytes"
	"encoding/json"
	"errors"
)

var errTrailing = errors.New("jsoncodec: data after the value")

// unmarshalStd is Unmarshal by encoding/json: the reference, and the
// decoder of platforms without a faster one.
func unmarshalStd(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, errTrailing
	}
	return v, nil
}
