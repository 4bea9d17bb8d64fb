package snapshot

import (
	"sync"
	"sync/atomic"
)

// Intake counts the records a program read from its input before submitting
// them to the flow: all of them, and the malformed ones it could not decode.
// The runtime never sees a malformed record, so only the reader can count
// it; Wrap shows the counts in the snapshots of Totals.Read and
// Totals.Malformed, where the monitor and the metrics find them.
//
// Reject also keeps the last few malformed records as events, which Wrap
// merges into the snapshots' Events, so a monitor lists them with the rest;
// so are the changes of the connections given to Connections.
//
// A zero Intake is ready to use. It is safe for concurrent use; Read and
// Malformed cost one atomic add per call.
type Intake struct {
	read, malformed atomic.Uint64

	mu       sync.Mutex
	rejected []Event // the newest maxRejected, oldest first

	partitions  atomic.Pointer[func() []Partition]  // see Partitions
	connections atomic.Pointer[func() []Connection] // see Connections
	down        map[string]bool                     // connection name → down at the last snapshot; guarded by mu
}

// Read counts one record read, well-formed or not.
func (in *Intake) Read() { in.read.Add(1) }

// Malformed counts one record read that could not be decoded. Call Read for
// it too.
func (in *Intake) Malformed() { in.malformed.Add(1) }

// Counts returns the records read and the malformed ones so far.
func (in *Intake) Counts() (read, malformed uint64) { return in.read.Load(), in.malformed.Load() }

// Wrap returns src with its snapshots' Totals.Read and Totals.Malformed set
// from in; its controls are src's.
func (in *Intake) Wrap(src Source) Source { return counted{src, in} }

type counted struct {
	Source
	in *Intake
}

func (c counted) Snapshot() Snapshot {
	s := c.Source.Snapshot()
	s.Totals.Read, s.Totals.Malformed = c.in.Counts()
	s.Partitions = c.in.owned()
	c.in.links(&s) // before the merge: a change of a connection is an event
	s.Events = c.in.mergeRejected(s.Events)
	return s
}
