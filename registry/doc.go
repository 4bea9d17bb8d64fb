// Package registry names service factories so flows can be built from
// configuration: a flow file says "service: expr" and the registry builds the
// service from its "with:" parameters.
//
// A Registry maps names to a Spec (for services) or a DecoratorSpec (for
// decorators used with "around:"). Builtin returns a registry holding the
// built-in services:
//
//	set     constant values:                 with: {values: {currency: EUR}}
//	expr    compute keys with expressions:   with: {set: {total: "price * qty"}}
//	filter  Stop the input unless true:      with: {if: "qty > 0", reason: "empty order"}
//	rename  rename keys:                     with: {from: a, to: b} or {keys: {a: b}}
//	delete  delete keys:                     with: {keys: [tmp, raw]}
//	sleep   wait, honouring cancellation:    with: {for: 10ms}
//	log     log keys with slog:              with: {keys: [id, total], message: order}
//	http    an HTTP request from templates:  with: {url: "http://svc/orders/{{.id}}", into: order}
//	append  JSON lines to a file:            with: {path: out.jsonl, keys: [id, total]}
//	chaos   inject failures (demos, tests):  with: {retry: 0.05, fatal: 0.01, seed: 7}
//
// http and append take batches (Spec.Batches): on a flow-file step with
// batch: {size: 500, wait: 20ms}, http sends one request per batch with a
// JSON array body and append writes and fsyncs once per batch.
//
// and the decorators catch (turn downstream errors into a key, status Done)
// and timer (write the duration of the rest of the flow into a key).
//
// Every built-in declares the context keys it reads and writes
// (flow.KeyDeclarer), so flow.Validate can check a flow's wiring before it
// runs.
//
// Go programs add their own services with Register and pass the registry to
// the flow-file loader or the CLI:
//
//	reg := registry.Builtin()
//	reg.Register("tax", registry.Spec{
//		Doc:    "Adds VAT to total.",
//		Params: []registry.Param{{Name: "rate", Type: "float", Default: 0.2}},
//		Build: func(p registry.Params) (flow.Service, error) {
//			rate, err := p.Float("rate")
//			return Tax{Rate: rate}, err
//		},
//	})
//
// # Expressions
//
// expr and filter evaluate expr-lang expressions (https://expr-lang.org)
// whose variables are context keys. An expression is compiled once, when the
// service is built; syntax errors and, for keys of known type (a flow file's
// typed inputs), type errors are reported then. Numbers decoded from JSON
// are int when integral and float64 otherwise; expr mixes them freely
// (price * qty), and "/" always gives a float. A key used only on the left of
// "??" (coupon ?? "") is optional; every other key an expression uses is
// expected, so Validate reports it when nothing upstream sets it.
package registry
