package main

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// With one instance of the store, inputs arrive in order, so the restarts
// are the same every run: one for flaky, one for the panic, three for the
// poison order (its first delivery and two redeliveries) before it fails.
func Example() {
	main()
	// Output:
	// a      done on conn#1
	// b      done on conn#2
	// c      done on conn#6
	// flaky  done on conn#2
	// panic  done on conn#3
	// poison failed: stage "store": fatal: connection reset by poison order (gave up after 2 redeliveries)
	// restarts: 5, connections opened: 6, dead letters: 1
	// event restart store: restart 1/10 within 1m0s: stage "store": fatal: connection reset
	// event restart store: restart 2/10 within 1m0s: stage "store": fatal: panic: nil map in driver
	// event restart store: restart 3/10 within 1m0s: stage "store": fatal: connection reset by poison order
	// event restart store: restart 4/10 within 1m0s: stage "store": fatal: connection reset by poison order
	// event restart store: restart 5/10 within 1m0s: stage "store": fatal: connection reset by poison order
	// event dead-letter store: stage "store": fatal: connection reset by poison order (gave up after 2 redeliveries)
}
