// Package kafka is the Kafka (and Redpanda) connector, on franz-go: a
// [Source] consuming a topic in a consumer group and a [Sink] producing to
// one.
//
// The Source commits by hand (autocommit is off): per partition, the
// offset after the highest contiguous record whose result is durable, at
// least every second while records finish (sooner once half its window is
// finished), and when a partition is revoked or the source closes. A
// revoke first lets the partition's records in flight finish (at most
// Config.RevokeWait), so a rebalance repeats nothing. It never commits for
// a partition it no longer owns: acks of records from a lost partition, or
// one revoked before they finished, are dropped (the new owner processes
// them again), and records of it still buffered are not handed out. A new
// group starts from the earliest offset unless the URL says start=latest.
//
// The Sink produces with acks from all in-sync replicas (idempotently, so
// retries neither duplicate nor reorder), keyed by the input's record key,
// so a key stays in one partition, in order.
package kafka
