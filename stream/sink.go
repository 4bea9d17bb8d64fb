package stream

import "context"

// A Message is one encoded result (or dead letter) for a [Sink]. Its
// bytes are lent to [Sink.Write] for the call only, as to io.Writer's
// Write: the caller may reuse them once Write returns, so a sink that
// needs them later (a broker client publishing asynchronously) keeps its
// own copy.
type Message struct {
	Key   []byte // the input's record key, nil if it had none
	Value []byte // one JSON object, without a line terminator
}

// A Sink writes messages and tells when each is durable.
//
// Write and Flush are safe for concurrent use. Close is called once, after
// the last Write.
type Sink interface {
	// Write queues m and returns; durable is called exactly once, from any
	// goroutine, with nil once m is durable (fsynced, acknowledged by the
	// broker) or with the error that lost it, also when Write returns that
	// error: the caller must not call durable itself. Write does not keep
	// m's bytes after it returns. It blocks while the sink's buffer is
	// full, until ctx ends.
	Write(ctx context.Context, m Message, durable func(error)) error
	// Flush blocks until every message written so far is durable or has
	// failed, or ctx ends.
	Flush(ctx context.Context) error
	// Close flushes and releases the sink.
	Close(ctx context.Context) error
}

// Flush's contract, for implementers: it returns only after the durable
// callback of every message written before the call has returned, so that
// once the sinks are flushed every acknowledgement has been given.
