// Package cli is flowrun, the command-line runner of flows, as a library:
// Main is the whole program, so a Go program that registers its own
// services builds its own flowrun with one call:
//
//	func main() {
//		reg := registry.Builtin()
//		reg.Register("tax", registry.Spec{...})
//		cli.Main(reg)
//	}
//
// The subcommands are demo (a built-in order pipeline over a generated
// stream, live in the terminal UI), run (a flow file over JSON lines),
// test (a flow file's test cases, with mocked steps), validate, graph,
// services and bench. Execute runs them with explicit
// arguments and streams and returns the exit code, for tests.
//
// Exit codes: 0 when the run completed (even if some inputs failed: they
// are in the results and the dead letters), 1 when the flow itself failed
// (a supervisor gave up and escalated), 2 for usage errors and flow files
// that do not load or validate (nothing was read), 130 when interrupted
// (but a broker or HTTP source, which runs until a signal, exits 0 after a
// clean drain).
package cli
