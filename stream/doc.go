// Package stream connects a flow to the outside world: a [Source] yields
// records, a [Sink] writes results and says when they are durable, and a
// record is acknowledged to its source only once the result of its input
// is durable in a sink. That is the whole at-least-once promise: after a
// crash and a restart, a source redelivers every record it was not told
// was done, so nothing is lost, and only the records that were in flight
// (read and not yet committed back to the source: at most its [Window])
// are seen twice.
//
// The connectors themselves live in sub-packages, one per field: package
// stream/file (JSON-lines files, stdin and stdout, with a resumable
// checkpoint), stream/kafka (franz-go) and stream/jetstream (NATS
// JetStream). This package holds the seams they share:
//
//   - [Source] and [Record]: a record's [Position] (partition and offset,
//     stream sequence, line number) is what its acknowledgement refers to.
//   - [Sink] and [Message]: Write takes a callback that fires once the
//     message is durable (fsynced, acknowledged by all in-sync replicas,
//     acknowledged by the stream).
//   - [Offsets]: per partition, the highest contiguous finished offset, so
//     a commit never skips a record still in flight.
//   - [Window]: bounds the records a source has handed out and not yet
//     committed back to it, so a crash repeats at most that many.
//   - [Deliveries]: maps the actor runtime's input IDs to records and acks
//     each record once every write of its result is durable. The runtime's
//     ledger stays the one place that knows what is in flight; Deliveries
//     only remembers where each input came from.
//   - [Pump]: all of the above in one loop, for programs that want a
//     broker-to-broker flow without the CLI.
package stream
