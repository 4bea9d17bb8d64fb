package main

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func Example() {
	main()
	// Output:
	// payment 1: done after 1 attempt(s)
	// payment 2: done after 3 attempt(s)
	// payment 3: failed after 4 attempt(s): stage "charge" (attempt 4): retry: attempt 4: gateway unavailable
	// dead letter: payment 3, original input map[ok_on:9 payment:3], kept for replay
}
