// Package jetstream is the NATS JetStream connector, on nats.go's
// jetstream package: a [Source] reading a stream through a durable pull
// consumer, and a [Sink] publishing to a subject of a stream.
//
// The Source acks each message explicitly, and only once the result of
// its input is durable; while an input is in flight longer than half the
// consumer's ack wait it tells the server so (InProgress), so a slow flow
// is not redelivered behind its back. An ack counts as committed once a
// round trip to the server confirms it arrived (a flush, at least every
// 250 ms and as soon as half the window waits), and the Source hands out
// at most Config.Window messages not committed so, which bounds what a
// crash makes the consumer deliver again. A message the server sends again
// while the Source still holds it, or has just acked it (its ack wait
// passed while it waited in the pull buffer), is dropped rather than
// processed twice. The consumer's MaxDeliver is
// honoured by the server: a message delivered that many times without an
// ack is not delivered again. The Source creates the durable consumer when
// it is missing; the stream itself is the operator's.
//
// The Sink publishes asynchronously and calls a message durable when the
// stream has acknowledged it (stored it, replicated as configured).
package jetstream
