// Package flowfile loads flows from YAML files, so a flow can be written,
// validated and run without writing Go.
//
// A flow file names its inputs, its policies and its steps; each step is a
// service from a registry (see package registry for the built-ins), a fork,
// or a decorator that wraps the rest of its step list:
//
//	name: orders                      # default: the file name
//	description: Price orders.        # free text
//	input: {line: string, customer: string}  # or a list: [line, customer]
//	max_in_flight: 256                # inputs in flight at once (the runtime's bound)
//	retry: {attempts: 4, initial: 5ms, max: 100ms, multiplier: 2, jitter: 0.2}
//	supervision:                      # how the actor runtime restarts services
//	  strategy: one-for-one           # or all-for-one, rest-for-one
//	  max_restarts: 20                # at most 20 restarts ...
//	  within: 10s                     # ... in any 10 s, else escalate
//	  initial: 10ms                   # backoff between restarts
//	  max: 1s
//	  max_redeliveries: 3             # of one input to a restarted service
//	in: orders.jsonl                  # flowrun run's --in, unless given: -, a path or a URL
//	out: results.jsonl                # --out (default -, stdout)
//	dead_letters: dead.jsonl          # --dead-letters
//	checkpoint: orders.checkpoint     # --checkpoint, for a file in:
//	out_format: result                # --out-format: result or values
//	steps:
//	  - around: timer                 # decorators wrap the rest of their step list
//	    with: {key: elapsed_ms}
//	  - around: catch                 # failures below become an error key, status Done
//	    with: {key: error}
//	  - service: expr
//	    name: parse                   # stage name; default the service name
//	    with:
//	      set:
//	        fields: 'split(line, ",")'
//	  - service: expr
//	    name: fields                  # names must be unique: Validate says so
//	    with:
//	      set: {kind: 'fields[0]', price: 'float(fields[1])', qty: 'int(fields[2])'}
//	  - service: filter               # Stop (not a failure) unless true
//	    with: {if: "qty > 0", reason: "empty order"}
//	  - service: chaos                # demo fault injection
//	    with: {retry: 0.05, fatal: 0.01, seed: 7}
//	    concurrency: 4                # instances running at once
//	    by_key: customer              # same customer, same instance: per-key order
//	    timeout: 200ms                # per call; a timed-out call is retried
//	  - fork: kind                    # route on the value of a key
//	    branches:
//	      book:
//	        - service: set
//	          with: {values: {shipping: 5}}
//	      digital:
//	        - service: set
//	          with: {values: {shipping: 0}}
//	    default:                      # other values; without it they fail the input
//	      - service: set
//	        with: {values: {shipping: 10}}
//	  - service: expr                 # after the fork, every branch continues here
//	    name: total
//	    with: {set: {total: "price * qty + shipping"}}
//	  - service: append               # services that take batches (http, append)
//	    with: {path: totals.jsonl, keys: [customer, total]}
//	    batch: {size: 500, wait: 20ms} # up to 500 inputs per call, waiting at most 20ms to fill
//
// A step has exactly one of service, fork or around. Service steps take
// name, with, concurrency, timeout, by_key and batch (size defaults to 100,
// wait to 10ms; wait: 0s sends each batch with the inputs at hand); fork steps take branches and
// default (each a list of steps); around steps take name and with. Durations
// are written with a unit (150ms, 2s, 1m30s). Typed inputs (int, float,
// number, string, bool, map, list, any) let expressions be type-checked when
// the file loads, and so do the keys steps compute from them: an
// expression's result type, a set value, a renamed key (after a fork, the
// types all branches agree on; after a service that declares no keys,
// nothing). The declared types hold at run time: (*File).CheckInput, which
// flowrun applies to every line, rejects an input whose typed key holds
// another type (an integer given for a float or number becomes a float).
// The stream fields (in, out, dead_letters, checkpoint, out_format; see
// Streams) say where flowrun run reads and writes when its flags do not:
// a flag given on the command line wins, and the file's checkpoint: is
// used only with the file's in:. Relative paths are resolved against the
// flow file's directory; a URL with credentials is refused.
// Top-level fields starting with "x-" are ignored: a place for YAML anchors
// that steps merge with <<: *name.
//
// Load reports every problem it can find at once, each as an *Error with
// the file, line and column: YAML syntax, unknown fields (naming the known
// ones, and the closest), unknown services, bad durations and parameters,
// expressions that do not compile or call a function that does not exist,
// type errors. (*File).Validate then checks the wiring with flow.Validate
// and reports each problem at the step concerned (at the expression, for a
// key an expression reads; steps that share a name are told apart):
//
//	orders.yaml:5:7: unknown field "concurency" in service step (did you mean "concurrency"?); known: service, name, with, concurrency, timeout, by_key, batch
//	orders.yaml:31:5: stage "ship": expects key "weight", which is neither an input nor promised upstream on every path (only kind=book set it)
//
// # Limits
//
// A flow file may come from anyone, so Load bounds what it can ask for and
// rejects the rest with an *Error, before building anything in proportion
// to it. The file's size, its encoding and its shape are checked on the
// raw bytes and the lexer's tokens, before the YAML parser (whose cost
// grows with the square of deep nesting and of large mappings) builds its
// tree:
//
//	file size                       MaxFileSize (256 KiB); LoadFile reads no more
//	text                            UTF-8 without NUL bytes (a leading byte order mark is allowed); one YAML document
//	node properties                 a tag and an anchor per value
//	nesting, block and flow style   MaxDepth (64) levels, and block indicators (- ? :) on one line
//	one mapping, one [flow list]    MaxEntries (1000) keys or items
//	aliases expanded                MaxValues (100000) values, MaxExpandedSize (1 MiB) of strings and keys
//	one expression                  registry.MaxExpressionSize (16 KiB)
//	max_in_flight                   1..InFlightLimit (100000), as flowrun's --max-in-flight
//	concurrency                     1..ConcurrencyLimit (1000)
//	batch.size                      1..InFlightLimit (100000)
//	retry.attempts                  1..AttemptsLimit (1000)
//	supervision.max_restarts        0..RestartsLimit (1000000)
//	supervision.max_redeliveries    0..RedeliveriesLimit (1000)
//	in, out, dead_letters, checkpoint  MaxAddressSize (4096) bytes, no control characters
package flowfile
