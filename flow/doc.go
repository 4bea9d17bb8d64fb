// Package flow composes small single-responsibility services into flows and
// runs them over inputs, one input at a time.
//
// It is the Go successor of the Python library service-flow. A service is
// anything with a Call method; a flow is a sequence of services; a fork routes
// on a context value to branch flows that rejoin; a decorator (Around) wraps
// the rest of the flow:
//
//	orders := flow.New(
//		Parse{},
//		flow.Fork("kind", flow.Branches{
//			"book":    flow.New(PriceBook{}),
//			"digital": flow.New(PriceDigital{Tax: 0.2}),
//		}, flow.Default(flow.New(Reject{}))),
//		flow.Around(Timer{}),
//		Ship{},
//	)
//	c, err := orders.Run(ctx, map[string]any{"line": "book,12.50"})
//
// Every input gets a *Context: a small dictionary that services read and
// write. Services signal what should happen to the input by the error they
// return: Stop ends it early (not a failure), Retry runs it again from the
// start with its original values, Fatal restarts the service and redelivers
// the input. Any other error fails the input.
//
// Batch (and TypedBatch) make a service that takes many inputs per call, for
// bulk writes and calls, with one outcome per input (BatchError).
//
// Run executes one input synchronously in the caller's goroutine: the way to
// unit-test services and flows. Package actors runs the same *Flow over a
// stream, every service an actor under supervision; both execute the same
// compiled program (package internal/engine), so a flow behaves the same in both.
package flow
