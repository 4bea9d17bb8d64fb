package snapshot

import (
	"encoding/json"
	"io"
)

// Encoder writes snapshots to a stream as JSON lines, one snapshot per line,
// in the schema (see the package doc). It is not safe for concurrent use.
type Encoder struct{ enc *json.Encoder }

// NewEncoder returns an encoder writing to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{enc: json.NewEncoder(w)} }

// Encode writes s and a newline.
func (e *Encoder) Encode(s Snapshot) error { return e.enc.Encode(s) }

// Decoder reads snapshots written by an Encoder (or any stream of JSON
// snapshots in the schema). It is not safe for concurrent use.
type Decoder struct{ dec *json.Decoder }

// NewDecoder returns a decoder reading from r. It buffers: it may read past
// the last snapshot it returns.
func NewDecoder(r io.Reader) *Decoder { return &Decoder{dec: json.NewDecoder(r)} }

// Decode reads the next snapshot. At the end of the stream it returns io.EOF;
// a snapshot of another schema version gives an error matching ErrSchema.
func (d *Decoder) Decode() (Snapshot, error) {
	var s Snapshot
	err := d.dec.Decode(&s)
	return s, err
}
