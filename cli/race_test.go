//go:build race

package cli_test

// raceEnabled shortens the long tests under the race detector, which
// slows the runtime about tenfold.
const raceEnabled = true
