// Retry: a service returns flow.Retry(err) and the input runs again from
// the start of the flow, from its original values, after an exponential
// backoff with jitter. When the policy's attempts are exhausted the input
// fails with the last error, and the actor runtime keeps it as a dead
// letter for replay.
//
//	go run ./examples/retry
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
)

// errUnavailable is what the flaky gateway says while it recovers.
var errUnavailable = errors.New("gateway unavailable")

// charge succeeds on the attempt given by the input's "ok_on" key: inputs
// with ok_on 1 pass at once, 3 on the third attempt, 9 never (within 4).
// Each attempt starts from the original values, so "charged" written by a
// failed attempt is gone on the next.
var charge = flow.Func("charge", func(_ context.Context, c *flow.Context) error {
	okOn, err := flow.Value[int](c, "ok_on")
	if err != nil {
		return err
	}
	if _, dirty := c.Get("charged"); dirty {
		return errors.New("retry did not start from the original values")
	}
	if c.Attempt() < okOn {
		c.Set("charged", false) // discarded by the retry
		return flow.Retry(fmt.Errorf("attempt %d: %w", c.Attempt(), errUnavailable))
	}
	c.Set("charged", true)
	return nil
}, flow.Expects("ok_on"), flow.Promises("charged"))

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	f := flow.New(charge).Named("payments").WithPolicy(flow.Policy{
		MaxAttempts: 4, // in all, the first included
		Backoff:     backoff.Exponential{Initial: time.Millisecond, Max: 10 * time.Millisecond},
	})
	rt, err := actors.Start(ctx, f)
	if err != nil {
		return err
	}
	go func() {
		for i, okOn := range []int{1, 3, 9} {
			rt.Submit(ctx, map[string]any{"payment": i + 1, "ok_on": okOn})
		}
		rt.Drain(ctx)
	}()
	var lines []string
	for res := range rt.Results() {
		p, _ := res.Context.Get("payment")
		line := fmt.Sprintf("payment %v: %v after %d attempt(s)", p, res.Status, res.Context.Attempt())
		if res.Err != nil {
			line += ": " + res.Err.Error()
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	for _, d := range rt.Snapshot().DeadLetters {
		fmt.Printf("dead letter: payment %v, original input %v, kept for replay\n", d.Input["payment"], d.Input)
	}
	return rt.Err()
}
