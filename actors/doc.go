// Package actors runs a *flow.Flow over a stream of inputs, every service as
// a protoactor-go actor under a supervision tree, with no input ever lost.
//
// Start compiles the flow and spawns one actor per step (a pool of n for a
// stage with flow.Concurrency(n)); forks and decorators are actors too, and
// contexts travel between them as messages, batched when the stream is busy.
// Each step runs the same code flow.Run runs (the compiled program of
// internal/engine: its Step, its Fatal and redelivery rule Deliver, Fail and
// Finish), so a flow behaves the same synchronously and here.
//
//	rt, err := actors.Start(ctx, orders, actors.MaxInFlight(256))
//	go func() {
//		for _, in := range inputs {
//			rt.Submit(ctx, in) // blocks while 256 inputs are in flight
//		}
//		rt.Drain(ctx)          // stop intake, finish in-flight, stop actors
//	}()
//	for res := range rt.Results() { // exactly one per input; closed by Drain
//		...
//	}
//
// What the runtime adds on top of protoactor (which on a panic restarts an
// actor without redelivering its message, and on a stop drops queued
// messages): a ledger in which every admitted input is in exactly one state
// until its one Result; Fatal errors and panics handled by package supervisor
// (the service is stopped and started again, or rebuilt, inside its actor, so
// its mailbox is kept, and the input is redelivered); escalation that fails
// every input in flight instead of dropping it; dead letters kept for replay;
// and Snapshot, the live picture the terminal monitor reads.
package actors
