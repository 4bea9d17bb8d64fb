// Package supervisor decides what happens when a child of a supervision tree
// fails: which children restart (Strategy), how often that may happen before
// giving up (the restart intensity, as in Erlang/OTP: at most MaxRestarts restarts within
// a sliding window), how long to wait between restarts (exponential backoff
// from package backoff), and when to escalate to the level above
// (*EscalationError).
//
// The package is pure policy: it never sees an actor, a PID or a mailbox.
// Package actors adapts each running service to a Child and calls
// Supervisor.Failed when the service reports a fatal error or panics.
//
// Use Spec to configure a supervisor (its zero value is valid), New to build
// one over its children in start order, and Failed to apply the strategy.
// A *Supervisor is itself a Child, so supervisors nest: when a child
// supervisor escalates, pass its error to the parent's Failed and the parent
// restarts the whole subtree with a fresh restart budget.
package supervisor
