package main

import (
	"bytes"
	"io"
	"regexp"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"),
		goleak.IgnoreTopFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1"),
	)
}

// TestThreeWorkers runs the example: every order gets exactly one result.
// Workers join one by one, so partitions move between them; a revoked
// partition's records in flight finish and are committed before its new
// owner starts, so a rebalance repeats nothing. Stopping the workers (a
// SIGTERM, in effect) drains them cleanly: each exits 0.
func TestThreeWorkers(t *testing.T) {
	t.Chdir("../..")
	var out bytes.Buffer
	if err := run(t.Context(), 3000, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`3000 orders, 3000 results \(0 repeated\), three workers exited \[0 0 0\]`).Match(out.Bytes()) {
		t.Fatalf("output:\n%s", out.String())
	}
}
