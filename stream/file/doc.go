// Package file is the JSON-lines connector: a [Source] reading one object
// per line from a file or stdin, and a [Sink] writing one per line to a
// file or stdout.
//
// A Source with a checkpoint resumes: [Checkpoint] names a file that
// records the highest contiguous input line whose result is durable, and a
// restarted Source skips the lines up to it. The Sink makes a result
// durable by flushing and fsyncing the output, batching the fsyncs (one
// covers every line written while the previous one ran), so the
// checkpoint only ever names lines whose results are on disk. After a
// kill -9, a restart with the same checkpoint and the output opened with
// [Append] gives every input line at least one result line; the only
// duplicates are the lines that were in flight.
package file
