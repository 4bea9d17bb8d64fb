// Supervision: a service that returns flow.Fatal(err), or panics, is
// restarted by its supervisor (here it is rebuilt by its flow.Build
// factory, so it gets a fresh connection) and the input is redelivered to
// it. A poison input that keeps killing the service is Failed after a few
// redeliveries, never dropped; a crash loop beyond the restart intensity
// (MaxRestarts within Within) escalates and fails the flow.
//
// The restarts are visible in the runtime's snapshot: its events and
// counters are what the terminal monitor shows.
//
//	go run ./examples/supervision
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/supervisor"
)

// connections counts the connections opened: one per (re)start.
var connections atomic.Int64

// store holds a connection that breaks on some inputs.
type store struct{ conn int64 }

func newStore() (flow.Service, error) {
	return &store{conn: connections.Add(1)}, nil
}

// Call saves the order. "flaky" orders break the connection once (the
// redelivery to a fresh connection succeeds); "poison" orders break every
// connection; "panic" orders panic once.
func (s *store) Call(_ context.Context, c *flow.Context) error {
	order, err := flow.Value[string](c, "order")
	if err != nil {
		return err
	}
	switch {
	case order == "poison":
		return flow.Fatal(errors.New("connection reset by poison order"))
	case order == "flaky" && s.conn == 1:
		return flow.Fatal(errors.New("connection reset"))
	case order == "panic" && s.conn == 2:
		panic("nil map in driver")
	}
	c.Set("saved_on", fmt.Sprintf("conn#%d", s.conn))
	return nil
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	connections.Store(0)
	f := flow.New(flow.Build("store", newStore)).Named("orders").
		WithPolicy(flow.Policy{MaxRedeliveries: 2}) // a poison input is Failed after 2 redeliveries
	rt, err := actors.Start(ctx, f, actors.Supervision(supervisor.Spec{
		MaxRestarts: 10,
		Within:      time.Minute,
	}))
	if err != nil {
		return err
	}
	go func() {
		for _, order := range []string{"a", "flaky", "b", "panic", "poison", "c"} {
			rt.Submit(ctx, map[string]any{"order": order})
		}
		rt.Drain(ctx)
	}()
	var lines []string
	for res := range rt.Results() {
		order, _ := res.Context.Get("order")
		on, _ := res.Context.Get("saved_on")
		line := fmt.Sprintf("%-6v %v", order, res.Status)
		if on != nil {
			line += " on " + on.(string)
		}
		if res.Err != nil {
			line += ": " + res.Err.Error()
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	s := rt.Snapshot()
	fmt.Printf("restarts: %d, connections opened: %d, dead letters: %d\n", s.Totals.Restarts, connections.Load(), len(s.DeadLetters))
	for _, e := range s.Events {
		if e.Kind == snapshot.EventRestart || e.Kind == snapshot.EventDeadLetter {
			fmt.Printf("event %s %s: %s\n", e.Kind, e.Stage, e.Message)
		}
	}
	return rt.Err()
}
