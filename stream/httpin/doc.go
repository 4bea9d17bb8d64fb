// Package httpin is the HTTP ingress connector: a [Source] that listens
// and turns each POSTed JSON object into a record, answering the request
// with that input's result once it is durable.
//
// A POST with Content-Type application/json carries one object and is
// answered with its result envelope: 200 for done, 422 for stopped, 500
// for failed; 400 for a body that is not one JSON object (a malformed
// record, counted as such). A POST with Content-Type application/x-ndjson
// (or application/jsonl) carries one object per line and is answered,
// 200, with one result line per input line, in order, as each is known.
// The answer is sent when the record is acknowledged: after every write
// of its result is durable, so an answered input is never lost; a request
// whose result is never acknowledged (a write lost, the source closed
// first) is answered 503, and the client should retry.
//
// When the flow takes no more inputs (MaxInFlight is full), each input
// waits up to Config.Wait (one second by default; ?wait=2s on the URL) to
// be taken. A single object, or the first line of an NDJSON body, not
// taken in time is answered 503 with Retry-After. A later line not taken
// in time gets the result line {"line":N,"status":"busy","error":...} and
// ends the answer: the lines after it are not read, so the client retries
// from that line on. Otherwise the body is read at the pace of the flow.
//
// Threat model, as the monitor's: without Config.Token and Config.TLS the
// source listens on loopback addresses only ([ErrNotLoopback]) and answers
// only requests whose Host names a loopback address (DNS rebinding); with
// both, it may listen anywhere and every request must carry
// "Authorization: Bearer TOKEN". The JSON content types are required, so
// a web page cannot post a form to it.
package httpin
