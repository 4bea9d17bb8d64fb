// Package engine is the compiled form of a flow and its interpreter: the
// rules of one step, written once, which flow.Run and package actors both
// drive, so the two modes cannot differ.
//
// Package flow compiles a *flow.Flow into a Program (its nodes in flow order,
// forks pointing at their branches, decorators split into an enter and an
// exit node) and gives it Rules: its error values, which the engine applies
// without importing flow. The engine is generic over the context type C so
// that it need not import flow either; the per-input state it keeps, a
// Cursor, lives inside each flow.Context.
//
// A runtime drives one input through a Program like this:
//
//	p.Begin(cur)
//	for !p.Finished(cur) {
//		var err error
//		if p.Nodes[p.At(cur)].Op == OpCall {
//			// Step, with restarts and redelivery on Fatal; c changes when a
//			// call is abandoned past its Timeout.
//			c, err = p.Deliver(ctx, c, cur, instance)
//			cur = p.Rules.Cursor(c)
//		} else {
//			err = p.Step(ctx, c, cur, nil)
//		}
//		if err != nil {
//			p.Fail(cur, err)
//		}
//	}
//	out := p.Finish(c, cur) // on out.Retry: wait out.Wait, then p.Retry(c, cur) and loop
//
// Nothing here is for users: package flow shows what a user writes.
package engine
