// Package streaming is a flow file (orders.yaml) and a JSON-lines sample
// (orders.jsonl) run with the CLI, from the repository root:
//
//	go run ./cmd/flowrun run examples/streaming/orders.yaml \
//	    --in examples/streaming/orders.jsonl --dead-letters dead.jsonl
//
// Each input gets one result line on stdout; the failed ones are also
// written to dead.jsonl as their original input, ready to replay with
// --in dead.jsonl; the malformed lines (one not JSON, one whose price is
// not the float orders.yaml declares) are reported on stderr; the summary
// accounts for every line. The package's test runs exactly that command.
package streaming
