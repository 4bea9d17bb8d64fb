// Package file is the JSON-lines connector: a [Source] reading one object
// per line from a file or stdin, and a [Sink] writing one per line to a
// file or stdout.
//
// A Source with a checkpoint resumes: [Checkpoint] names a file that
// records the highest contiguous input line whose result is durable, and a
// restarted Source skips the lines up to it. The Sink makes a result
// durable by flushing and fsyncing the output, committing the lines in
// groups (one fsync covers the lines written during the previous one,
// and, when that is 256 lines or more, those written until 2 ms after the
// group's first line, 1 MiB or [GroupLines] lines), so the checkpoint
// only ever names lines whose results are on disk. After a
// kill -9, a restart with the same checkpoint and the output opened with
// [Append] gives every input line at least one result line; the only
// duplicates are the lines that were in flight.
package file
