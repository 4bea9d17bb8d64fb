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

// TestThreeWorkers runs the example: every order gets a result. Some get
// two: a worker that joins takes partitions (Kafka) or messages (after the
// ack wait, JetStream) from another, and what that one had in flight is
// processed again; at least once, not exactly once.
func TestThreeWorkers(t *testing.T) {
	t.Chdir("../..")
	var out bytes.Buffer
	if err := run(t.Context(), 3000, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`3000 orders, \d+ results \(\d+ repeated\), three workers exited \[0 0 0\]`).Match(out.Bytes()) {
		t.Fatalf("output:\n%s", out.String())
	}
}
