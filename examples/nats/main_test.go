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

func TestThreeWorkers(t *testing.T) {
	t.Chdir("../..")
	var out bytes.Buffer
	if err := run(t.Context(), 3000, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`3000 orders, \d+ results \(0 repeated\), three workers exited \[130 130 130\]`).Match(out.Bytes()) {
		t.Fatalf("output:\n%s", out.String())
	}
}
