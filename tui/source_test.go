package tui

import "github.com/serviceflow/serviceflow/actors"

// *actors.Runtime is what the monitor watches in process: checked at compile
// time on every test run.
var _ Source = (*actors.Runtime)(nil)
