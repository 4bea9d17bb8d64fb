// Package snapshot is the plain-data picture of a running flow: its topology,
// per-stage counters and latencies, supervisors, recent events and dead letters.
//
// The actor runtime (package actors) produces a Snapshot on demand; the
// terminal monitor (package tui), the metrics exporter and any network client
// only read them. A Snapshot holds no pointers into the runtime: it is a copy,
// safe to keep, compare, and encode as JSON.
package snapshot

import "time"

// State is the overall state of a running flow.
type State string

// The states of a flow, as the monitor's header shows them.
const (
	Running  State = "RUNNING"  // inputs flow, nothing is restarting
	Degraded State = "DEGRADED" // running, but some stage is restarting or failing
	Paused   State = "PAUSED"   // intake is paused; in-flight inputs still finish
	Draining State = "DRAINING" // intake stopped for good; finishing in-flight inputs
	Stopped  State = "STOPPED"  // drained; every input has its result
	Failed   State = "FAILED"   // a supervisor escalated: the flow stopped with Err
)

// StageState is the health of one stage.
type StageState string

// The states of a stage.
const (
	StageOK           StageState = "ok"
	StageBackpressure StageState = "backpressure" // its mailbox is (nearly) full
	StageRestarting   StageState = "restarting"   // its supervisor is restarting it
	StageFailed       StageState = "failed"       // restarts exhausted; escalated
	StageStopped      StageState = "stopped"      // the flow has stopped
)

// Kind says what a node of the flow is.
type Kind string

// The kinds of node.
const (
	KindService Kind = "service" // a service: one actor, or a pool of them
	KindFork    Kind = "fork"    // routes on a context key to branch pipelines
	KindAround  Kind = "around"  // a decorator wrapping the rest of its flow
	KindSink    Kind = "sink"    // where every input gets its one result
)

// Snapshot is the whole picture at one moment.
type Snapshot struct {
	Flow        string       // the flow's name
	State       State        // overall state
	Err         string       // why the flow failed, when State is Failed
	Started     time.Time    // when the runtime started
	Taken       time.Time    // when this snapshot was taken
	MaxInFlight int          // the bound on inputs in flight
	Retry       Retry        // the flow's retry policy
	Totals      Totals       // flow-wide counters
	InRate      float64      // inputs admitted per second, recently
	OutRate     float64      // results emitted per second, recently
	Stages      []Stage      // one per node of the topology, in topology order
	Edges       []Edge       // how contexts move between stages
	Supervisors []Supervisor // the supervision tree, parents before children
	Events      []Event      // recent events, oldest first (a bounded ring)
	DeadLetters []DeadLetter // recent dead letters, oldest first (bounded)
	Evicted     uint64       // dead letters dropped from the bounded store
}

// Retry is a flow's retry policy: attempts in all, and the backoff between
// them (Initial before the second attempt, doubling, capped at Max).
type Retry struct {
	Attempts     int
	Initial, Max time.Duration
}

// Totals are the flow-wide counters. At every moment
// Admitted == Done + Stopped + Failed + InFlight.
type Totals struct {
	Admitted uint64 // inputs accepted by Submit
	InFlight int    // admitted and not yet finished
	Done     uint64 // finished with status Done
	Stopped  uint64 // finished with status Stopped
	Failed   uint64 // finished with status Failed (dead letters)
	Retried  uint64 // retries scheduled (an input may retry several times)
	Restarts uint64 // actor restarts across all stages
}

// Stage is one node of the flow with its counters.
type Stage struct {
	ID          int           // index in Snapshot.Stages; Edges refer to it
	Name        string        // unique stage name
	Kind        Kind          // service, fork, around or sink
	Path        string        // where it sits: "" for the main line, else e.g. "kind=book"
	Key         string        // for a fork: the context key it routes on
	State       StageState    // health
	Supervisor  string        // name of its supervisor
	Concurrency int           // instances (1 unless Concurrency(n))
	Timeout     time.Duration // per-call timeout, 0 for none
	Expects     []string      // context keys it reads
	Promises    []string      // context keys it writes
	Received    uint64        // contexts delivered to it
	Done        uint64        // calls that succeeded
	Stopped     uint64        // calls that ended their input with Stop
	Retried     uint64        // calls that asked for a Retry
	Failed      uint64        // calls that failed (before any restart)
	Restarts    uint64        // times its actor was restarted
	InFlight    int           // contexts it holds (queued or running)
	Mailbox     int           // contexts waiting in its mailbox
	MailboxCap  int           // mailbox size at which it counts as backpressured; 0 if unbounded
	InRate      float64       // contexts received per second, recently
	OutRate     float64       // calls finished per second, recently
	P50, P99    time.Duration // call latency percentiles, recently
	LastError   string        // the most recent error, sanitised by the producer
}

// Edge joins two stages. Label is the fork value for a branch edge
// ("default" for the default branch), "" otherwise.
type Edge struct {
	From, To int
	Label    string
}

// Supervisor is one node of the supervision tree.
type Supervisor struct {
	Name        string        // e.g. "flow" for the root
	Parent      string        // "" for the root
	Strategy    string        // one-for-one, all-for-one, rest-for-one
	MaxRestarts int           // intensity: at most MaxRestarts ...
	Within      time.Duration // ... within this window
	Restarts    int           // restarts inside the current window
	Escalated   bool          // it exceeded its intensity and gave up
	Children    []string      // stage names (and child supervisors)
}

// EventKind classifies an Event.
type EventKind string

// The kinds of event.
const (
	EventRestart    EventKind = "restart"
	EventEscalation EventKind = "escalation"
	EventRetry      EventKind = "retry"
	EventDeadLetter EventKind = "dead-letter"
	EventDrain      EventKind = "drain"
	EventPause      EventKind = "pause"
	EventResume     EventKind = "resume"
	EventReplay     EventKind = "replay"
)

// Event is something that happened to the flow.
type Event struct {
	Time    time.Time
	Kind    EventKind
	Stage   string // the stage concerned, "" for the whole flow
	Input   uint64 // the input concerned, 0 for none
	Message string // human-readable, bounded and sanitised by the producer
}

// DeadLetter is a Failed input, kept with its original values so it can be
// inspected and replayed.
type DeadLetter struct {
	ID       uint64         // the input's ID
	Time     time.Time      // when it failed
	Stage    string         // the stage whose error failed it
	Err      string         // the error
	Attempts int            // attempts made (retries included)
	Input    map[string]any // the original input values
}
