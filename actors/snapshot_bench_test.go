package actors

import (
	"context"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
)

// The cost of one Snapshot of a flow of 5 services, what the monitor pays
// ten times a second.
func BenchmarkSnapshot(b *testing.B) {
	noop := func(name string) flow.Service {
		return flow.Func(name, func(context.Context, *flow.Context) error { return nil })
	}
	rt, err := Start(context.Background(), flow.New(noop("a"), noop("b"), noop("c"), noop("d"), noop("e")))
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Drain(context.Background())
	for b.Loop() {
		_ = rt.Snapshot()
	}
}
