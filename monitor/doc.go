// Package monitor serves a running flow's snapshots and controls over HTTP,
// and attaches to them from another process: `flowrun run --monitor ADDR`
// on one side, `flowrun attach ADDR` on the other, the same terminal UI on
// both.
//
// Routes: GET /snapshot (the snapshot as JSON, in the schema of package
// snapshot), POST /pause, POST /resume (no body), POST /replay (one JSON array
// of dead-letter IDs; empty for all). Prometheus metrics, which only read, are
// served separately (see package metrics).
//
// # Threat model
//
// What is at stake: a snapshot carries the input values of dead letters
// (customer data, say), and the controls pause the flow's intake and replay
// failed inputs. Who may use the endpoint: the user who runs the flow, and,
// with a token, whoever holds it. Whom it must refuse:
//
//   - Other machines. Listen binds loopback addresses only (ErrNotLoopback);
//     to watch from elsewhere, tunnel (ssh -L 7070:127.0.0.1:7070 host).
//   - Web pages in the user's browser, which can send requests to loopback.
//     A page of another origin cannot read the responses (no CORS headers
//     are ever sent), but it can send a form POST: so every control request
//     must carry the ClientHeader header and Content-Type application/json,
//     which a form cannot send and a cross-origin fetch cannot send without a
//     preflight the endpoint never grants; the /replay body must be exactly
//     one JSON array (a text/plain form posting `[]=` is refused), and
//     /pause and /resume take no body. Any request with an Origin header, or
//     a Sec-Fetch-Site other than "none", is refused: the endpoint serves no
//     pages, so none of its clients is a page.
//   - DNS rebinding: a page whose name its author makes resolve to 127.0.0.1
//     is same-origin with the endpoint in the browser's eyes. The browser
//     still sends the page's name as Host, so without a token the endpoint
//     answers only a Host that names a loopback address (localhost,
//     127.0.0.0/8, ::1; any port, as a tunnel's local port may differ).
//   - With Token set, every request must carry "Authorization: Bearer TOKEN"
//     (compared in constant time). That stops rebinding pages too (they do
//     not know the token), so the Host check is dropped and the endpoint can
//     be reached through a tunnel or proxy under another name. The token
//     crosses the wire in clear: use it over an encrypted tunnel, and pass it
//     in the environment (FLOWRUN_MONITOR_TOKEN), not on a command line other
//     users can list.
//
// Not covered: without a token, any program on the machine can connect to
// loopback, other users' included — set a token on a shared machine; and
// programs of the same user, or a compromised browser, which can read the
// token wherever it is kept.
package monitor
