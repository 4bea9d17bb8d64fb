// Package testpoll waits in tests for a state that nothing announces (a
// connector's health, a consumer's ack floor on the server): it polls the
// state, never a clock, so a slow machine only makes the wait longer.
package testpoll

import (
	"testing"
	"time"
)

// Every is how often Until looks again.
const Every = 5 * time.Millisecond

// Until polls cond until it holds, failing the test if it has not after a
// minute (a hang guard, not a timing assert).
func Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(Every)
	}
}
