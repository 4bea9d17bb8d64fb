// Package monitor serves a running flow's snapshots and controls over HTTP,
// and attaches to them from another process: `flowrun run --monitor ADDR`
// on one side, `flowrun attach ADDR` on the other, the same terminal UI on
// both.
//
// The endpoint can pause intake and replay dead letters, so it listens on
// loopback addresses only; to watch a flow on another machine, tunnel to it
// (ssh -L). Prometheus metrics, which only read, are served separately (see
// package metrics).
//
// Routes: GET /snapshot (the snapshot as JSON), POST /pause, POST /resume,
// POST /replay (a JSON array of dead-letter IDs; empty for all).
package monitor
