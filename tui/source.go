package tui

import "github.com/serviceflow/serviceflow/snapshot"

// Source is what the monitor watches (see snapshot.Source):
// *actors.Runtime in process, monitor.Client for a flow in another process.
type Source = snapshot.Source
