// Package kafka is the Kafka (and Redpanda) connector, on franz-go: a
// [Source] consuming a topic in a consumer group and a [Sink] producing to
// one.
//
// The Source commits by hand (autocommit is off): per partition, the
// offset after the highest contiguous record whose result is durable, at
// least every second while records finish, and when a partition is revoked
// or the source closes. It never commits for a partition it no longer owns:
// acks of records from a revoked partition are dropped (the new owner
// processes them again), and so are records of it still buffered. A new
// group starts from the earliest offset unless the URL says start=latest.
//
// The Sink produces with acks from all in-sync replicas (idempotently, so
// retries neither duplicate nor reorder), keyed by the input's record key,
// so a key stays in one partition, in order.
package kafka
