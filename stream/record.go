package stream

import (
	"context"
	"fmt"
)

// Position is where a record sits in its source: what its acknowledgement
// refers to. For Kafka, Partition and Offset; for JetStream, the stream
// sequence in Offset; for a file, the line number in Offset (Partition 0).
type Position struct {
	Partition int32
	Offset    int64
}

func (p Position) String() string { return fmt.Sprintf("%d@%d", p.Partition, p.Offset) }

// KeyValue is the context key under which [Pump] and flowrun put a
// record's key, when it has one; it starts with a NUL byte, so outputs and
// dead letters leave it out. Run the flow with actors.Affinity(KeyValue)
// to keep records with the same key in order through stages with
// Concurrency(n) (a Kafka partition's ordering unit is the key).
const KeyValue = "\x00key"

// A Record is one input read from a [Source].
type Record struct {
	Pos Position
	// Key is the record's ordering key (a Kafka record key, a JetStream
	// subject), nil if it has none. Results are written with the same key,
	// and records with equal keys keep their order through the flow when it
	// routes by key.
	Key []byte
	// Values is the decoded JSON object, nil when Bad is set.
	Values map[string]any
	// Bad is set when the record's value is not a JSON object (it is a
	// *jsonl.LineError): such a record is reported, counted and
	// acknowledged, so it never blocks its partition.
	Bad error
	// Handle is the source's own data (a message to acknowledge, an
	// assignment epoch); pass the record back to Ack unchanged.
	Handle any
}

// A Source yields records and takes their acknowledgements.
//
// Next is called from one goroutine; Ack may be called from any goroutine,
// concurrently with Next, at most once per record, in any order. Close is
// called once, after the last Next and Ack.
type Source interface {
	// Next blocks until the next record, ctx's end (returning its error) or
	// the end of a finite source (io.EOF). Any other error is final.
	Next(ctx context.Context) (Record, error)
	// Ack says the result of rec's input is durable: the source may forget
	// rec (commit its offset, ack the message, advance the checkpoint).
	// Sources batch their commits; an ack never lets a commit skip a record
	// that has not been acked.
	Ack(rec Record)
	// Close commits what has been acknowledged and releases the source.
	Close(ctx context.Context) error
}
