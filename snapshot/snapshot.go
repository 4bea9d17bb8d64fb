// Package snapshot is the plain-data picture of a running flow: its topology,
// per-stage counters and latencies, supervisors, recent events and dead letters.
//
// The actor runtime (package actors) produces a Snapshot on demand; the
// terminal monitor (package tui), the metrics exporter and any network client
// only read them. A Snapshot holds no pointers into the runtime: it is a copy,
// safe to keep, compare, and encode.
//
// # The JSON schema
//
// Every program that writes or reads snapshots as JSON — the monitor endpoint
// and its client, `flowrun run --ui json`, recordings — uses one schema,
// version [Schema], through [Encoder] and [Decoder] (or json.Marshal and
// json.Unmarshal, which give the same form):
//
//   - a top-level "schema" field holds the version; a decoder refuses any
//     other version with an error matching [ErrSchema];
//   - keys are lower case, multi-word keys snake_case ("max_in_flight");
//   - durations are Go duration strings ("8.4ms", "1m30s", "0s");
//   - times are RFC 3339 strings with nanoseconds;
//   - lists are always arrays, [] when empty, never null;
//   - a field added later gets a new key and keeps the version; removing or
//     changing the meaning of a key bumps it.
package snapshot

import "time"

// State is the overall state of a running flow.
type State string

// The states of a flow, as the monitor's header shows them.
const (
	Running  State = "RUNNING"  // inputs flow, nothing is restarting
	Degraded State = "DEGRADED" // running, but some stage is restarting or failing, or a broker is lost (see Snapshot.Degraded)
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
	Flow        string       `json:"flow"`          // the flow's name
	State       State        `json:"state"`         // overall state
	Err         string       `json:"err"`           // why the flow failed, when State is Failed
	Started     time.Time    `json:"started"`       // when the runtime started
	Taken       time.Time    `json:"taken"`         // when this snapshot was taken
	MaxInFlight int          `json:"max_in_flight"` // the bound on inputs in flight
	Retry       Retry        `json:"retry"`         // the flow's retry policy
	Totals      Totals       `json:"totals"`        // flow-wide counters
	InRate      float64      `json:"in_rate"`       // inputs admitted per second, recently
	OutRate     float64      `json:"out_rate"`      // results emitted per second, recently
	Stages      []Stage      `json:"stages"`        // one per node of the topology, in topology order
	Edges       []Edge       `json:"edges"`         // how contexts move between stages
	Supervisors []Supervisor `json:"supervisors"`   // the supervision tree, parents before children
	Events      []Event      `json:"events"`        // recent events, oldest first (a bounded ring)
	DeadLetters []DeadLetter `json:"dead_letters"`  // recent dead letters, oldest first (bounded)
	Evicted     uint64       `json:"evicted"`       // dead letters dropped from the bounded store
	Partitions  []Partition  `json:"partitions"`    // the broker partitions the flow's source owns; [] for none or a file (see Intake)
	Connections []Connection `json:"connections"`   // the flow's connections to brokers and whether each is up; [] for none (see Intake.Connections)
	// Degraded says which broker connections are lost and why ("in: broker
	// lost: ..."), "" while all are up. A RUNNING flow is DEGRADED then:
	// its connectors retry with backoff, inputs wait, and nothing is
	// acknowledged until the broker is back.
	Degraded string `json:"degraded"`
}

// Retry is a flow's retry policy: attempts in all, and the backoff between
// them (Initial before the second attempt, doubling, capped at Max).
type Retry struct {
	Attempts int           `json:"attempts"`
	Initial  time.Duration `json:"initial"`
	Max      time.Duration `json:"max"`
}

// Totals are the flow-wide counters. At every moment
// Admitted == Done + Stopped + Failed + InFlight.
type Totals struct {
	Admitted uint64 `json:"admitted"`  // inputs accepted by Submit
	InFlight int    `json:"in_flight"` // admitted and not yet finished
	Done     uint64 `json:"done"`      // finished with status Done
	Stopped  uint64 `json:"stopped"`   // finished with status Stopped
	Failed   uint64 `json:"failed"`    // finished with status Failed (dead letters)
	Retried  uint64 `json:"retried"`   // retries scheduled (an input may retry several times)
	Restarts uint64 `json:"restarts"`  // actor restarts across all stages
	Stuck    int    `json:"stuck"`     // calls abandoned past their stage's Timeout that have not returned (each holds a goroutine)

	// Read and Malformed count what the program feeding the flow read from
	// its input (lines of a JSON-lines file, say) before submitting: every
	// record read, and those it could not decode and so never submitted.
	// They are 0 where nobody counts them (see Intake).
	Read      uint64 `json:"read"`
	Malformed uint64 `json:"malformed"`
}

// Stage is one node of the flow with its counters.
type Stage struct {
	ID          int           `json:"id"`          // index in Snapshot.Stages; Edges refer to it
	Name        string        `json:"name"`        // unique stage name
	Kind        Kind          `json:"kind"`        // service, fork, around or sink
	Path        string        `json:"path"`        // where it sits: "" for the main line, else e.g. "kind=book"
	Key         string        `json:"key"`         // for a fork: the context key it routes on
	State       StageState    `json:"state"`       // health
	Supervisor  string        `json:"supervisor"`  // name of its supervisor
	Concurrency int           `json:"concurrency"` // instances (1 unless Concurrency(n))
	Timeout     time.Duration `json:"timeout"`     // per-call timeout, 0 for none
	Expects     []string      `json:"expects"`     // context keys it reads
	Promises    []string      `json:"promises"`    // context keys it writes
	Received    uint64        `json:"received"`    // contexts delivered to it
	Done        uint64        `json:"done"`        // calls that succeeded
	Stopped     uint64        `json:"stopped"`     // calls that ended their input with Stop
	Retried     uint64        `json:"retried"`     // calls that asked for a Retry
	Failed      uint64        `json:"failed"`      // calls that failed (before any restart)
	Restarts    uint64        `json:"restarts"`    // times its actor was restarted
	InFlight    int           `json:"in_flight"`   // contexts it holds (queued or running)
	Mailbox     int           `json:"mailbox"`     // contexts waiting in its mailbox
	MailboxCap  int           `json:"mailbox_cap"` // mailbox size at which it counts as backpressured; 0 if unbounded
	InRate      float64       `json:"in_rate"`     // contexts received per second, recently
	OutRate     float64       `json:"out_rate"`    // calls finished per second, recently
	// P50 and P99 are call-latency quantiles over the last seconds (see
	// the producer for the window), within the producer's stated relative
	// error; 0 when no call was timed in the window.
	P50       time.Duration `json:"p50"`
	P99       time.Duration `json:"p99"`
	Latency   Histogram     `json:"latency"`         // call latency since the flow started
	LastError string        `json:"last_error"`      // the most recent error, sanitised by the producer
	Batch     *Batching     `json:"batch,omitempty"` // for a batched stage: its batches; nil otherwise
}

// Batching is what a batched stage's calls carried: a call per batch of up
// to MaxSize inputs, each sent because it was full, because its first input
// had waited MaxWait, or because nothing else in flight could join it (the
// stream was idle there). Its counters are since the flow started.
type Batching struct {
	MaxSize int           `json:"max_size"` // the stage's MaxBatch
	MaxWait time.Duration `json:"max_wait"` // the stage's MaxWait; 0 for none
	Batches uint64        `json:"batches"`  // calls made
	Inputs  uint64        `json:"inputs"`   // inputs those calls carried: the mean size is Inputs/Batches
	P99Size int           `json:"p99_size"` // 99th percentile of the recent batches' sizes (the producer says how recent)
	Full    uint64        `json:"full"`     // batches sent full
	Wait    uint64        `json:"wait"`     // batches sent when the wait expired
	Idle    uint64        `json:"idle"`     // batches sent because nothing else could join them
}

// MeanSize is Inputs/Batches; 0 before the first batch.
func (b *Batching) MeanSize() float64 {
	if b == nil || b.Batches == 0 {
		return 0
	}
	return float64(b.Inputs) / float64(b.Batches)
}

// Histogram counts call latencies since the flow started, in the shape a
// Prometheus histogram takes: Count observations totalling Sum, and for each
// bound the cumulative count of those that took at most Le. The producer
// says which calls it times (all, or a sample) and how exact the bounds are.
type Histogram struct {
	Count   uint64        `json:"count"`   // calls timed
	Sum     time.Duration `json:"sum"`     // their total latency
	Buckets []Bucket      `json:"buckets"` // ascending Le; +Inf is implied by Count
}

// Bucket is one bound of a Histogram: Count observations took at most Le.
type Bucket struct {
	Le    time.Duration `json:"le"`
	Count uint64        `json:"count"`
}

// Edge joins two stages. Label is the fork value for a branch edge
// ("default" for the default branch), "" otherwise.
type Edge struct {
	From  int    `json:"from"`
	To    int    `json:"to"`
	Label string `json:"label"`
}

// Supervisor is one node of the supervision tree.
type Supervisor struct {
	Name        string        `json:"name"`         // e.g. "flow" for the root
	Parent      string        `json:"parent"`       // "" for the root
	Strategy    string        `json:"strategy"`     // one-for-one, all-for-one, rest-for-one
	MaxRestarts int           `json:"max_restarts"` // intensity: at most MaxRestarts ...
	Within      time.Duration `json:"within"`       // ... within this window
	Restarts    int           `json:"restarts"`     // restarts inside the current window
	Escalated   bool          `json:"escalated"`    // it exceeded its intensity and gave up
	Children    []string      `json:"children"`     // stage names (and child supervisors)
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
	EventMalformed  EventKind = "malformed" // an input record that could not be decoded
	// EventReload: the flow file changed and the new flow took over new
	// inputs (flowrun run --watch); the old one finishes those in flight.
	EventReload EventKind = "reload"
	// EventReloadFailed: the flow file changed but the edit does not load
	// or validate; the old flow keeps running. One per problem, its message
	// starting with the problem's file:line:col.
	EventReloadFailed EventKind = "reload-failed"
	// EventBrokerLost: a broker connection (the source's, a sink's) was
	// lost; its connector retries with backoff. EventBrokerBack: it
	// answers again. See Snapshot.Connections.
	EventBrokerLost EventKind = "broker-lost"
	EventBrokerBack EventKind = "broker-back"
)

// Event is something that happened to the flow.
type Event struct {
	Time    time.Time `json:"time"`
	Kind    EventKind `json:"kind"`
	Stage   string    `json:"stage"`   // the stage concerned, "" for the whole flow
	Input   uint64    `json:"input"`   // the input concerned, 0 for none
	Message string    `json:"message"` // human-readable, bounded and sanitised by the producer
}

// DeadLetter is a Failed input, kept with its original values so it can be
// inspected and replayed.
type DeadLetter struct {
	ID       uint64         `json:"id"`       // the input's ID
	Time     time.Time      `json:"time"`     // when it failed
	Stage    string         `json:"stage"`    // the stage whose error failed it
	Err      string         `json:"err"`      // the error
	Attempts int            `json:"attempts"` // attempts made (retries included)
	Input    map[string]any `json:"input"`    // the original input values ({} when none)
}
