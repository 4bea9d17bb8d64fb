// Package testpoll waits in tests for a state that nothing announces (a
// connector's health, a consumer's ack floor on the server, what a terminal
// shows): it polls the state, never a clock, so a slow machine only makes
// the wait longer.
package testpoll

import (
	"fmt"
	"testing"
	"time"
)

// Every is how often Until and Value look again.
const Every = 5 * time.Millisecond

// Limit is how long they look before failing the test: a hang guard, not a
// timing assert.
const Limit = time.Minute

// Until polls cond until it holds, failing the test if it has not after
// Limit.
func Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	poll(t, what, func() (bool, string) { return cond(), "" })
}

// Value polls get until ok holds for what it returns, and returns that; if
// it has not after Limit the test fails, showing the last value got (a
// terminal's screen, say).
func Value[T any](t testing.TB, what string, get func() T, ok func(T) bool) T {
	t.Helper()
	var v T
	poll(t, what, func() (bool, string) {
		v = get()
		return ok(v), fmt.Sprint(v)
	})
	return v
}

// poll calls look until it says done, failing the test after Limit with
// what it last showed.
func poll(t testing.TB, what string, look func() (done bool, shows string)) {
	t.Helper()
	deadline := time.Now().Add(Limit)
	for {
		done, shows := look()
		if done {
			return
		}
		if time.Now().After(deadline) {
			if shows != "" {
				t.Fatalf("timed out waiting until %s; last:\n%s", what, shows)
			}
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(Every)
	}
}
