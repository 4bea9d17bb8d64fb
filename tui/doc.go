// Package tui is the live monitor of a running flow.
//
// It watches a [Source] — an in-process runtime, or later a network client
// attached to one — by polling its [snapshot.Snapshot] at a fixed refresh
// rate; the runtime never calls into this package. [Run] picks a renderer:
// the interactive terminal UI (bubbletea) when the output is a terminal, or
// a plain logfmt log or NDJSON snapshots when it is not.
//
// Everything shown that comes from data (stage names, errors, input values)
// is sanitised: terminal escape sequences and control characters are removed
// and lengths are bounded, so a hostile input cannot drive the terminal.
package tui
