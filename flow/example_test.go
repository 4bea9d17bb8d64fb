package flow_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
)

// InplaceModification is the seed's example service: its fields are its
// initialization parameters, Call reads and writes the context.
type InplaceModification struct{ Increment int }

func (s InplaceModification) Call(_ context.Context, c *flow.Context) error {
	bar, err := flow.Value[[]int](c, "bar")
	if err != nil {
		return err
	}
	out := make([]int, len(bar))
	for i, v := range bar {
		out[i] = v + s.Increment
	}
	c.Set("bar", out)
	return nil
}

// A flow is a sequence of services: the seed's Service1() >> Service2(x).
func ExampleNew() {
	stack := flow.New(
		InplaceModification{Increment: 1},
		flow.Stage(InplaceModification{Increment: 10}, flow.Name("by-ten")),
		flow.Func("sum", func(_ context.Context, c *flow.Context) error {
			bar, _ := flow.Value[[]int](c, "bar")
			total := 0
			for _, v := range bar {
				total += v
			}
			c.Set("total", total)
			return nil
		}),
	)
	out, err := stack.Run(context.Background(), map[string]any{"bar": []int{1, 2, 3}})
	fmt.Println(maps.Collect(out.All()), err)
	// Output: map[bar:[12 13 14] total:39] <nil>
}

func say(word string) flow.Service {
	return flow.Func(word, func(_ context.Context, c *flow.Context) error {
		said, _ := c.Get("said")
		c.Set("said", fmt.Sprint(said, " ", word))
		return nil
	})
}

// A fork routes on a context value to branch flows; after the branch the flow
// continues with the steps after the fork.
func ExampleFork() {
	stack := flow.New(
		say("hello"),
		flow.Fork("lang", flow.Branches{
			"en": flow.New(say("world")),
			"fr": flow.New(say("le"), say("monde")),
		}, flow.Default(flow.New(say("?")))),
		say("!"),
	)
	for _, lang := range []string{"en", "fr", "de"} {
		out, _ := stack.Run(context.Background(), map[string]any{"lang": lang})
		said, _ := out.Get("said")
		fmt.Println(lang, said)
	}
	// Output:
	// en <nil> hello world !
	// fr <nil> hello le monde !
	// de <nil> hello ? !
}

// Timer is a decorator: it wraps the rest of the flow, like the seed's
// DecoratorMiddleware, and here also turns errors into a context key.
type Timer struct{}

func (Timer) Before(_ context.Context, c *flow.Context) error {
	c.Set("started", true)
	return nil
}

func (Timer) After(_ context.Context, c *flow.Context, err error) error {
	if err != nil {
		c.Set("error", err.Error())
		return nil // handled: the input ends Done
	}
	return nil
}

func ExampleAround() {
	stack := flow.New(
		flow.Around(Timer{}),
		flow.Func("charge", func(context.Context, *flow.Context) error { return errors.New("card declined") }),
	)
	out, err := stack.Run(context.Background(), nil)
	e, _ := out.Get("error")
	fmt.Println(e, err)
	// Output: stage "charge": card declined <nil>
}

// Typed services bind struct fields to context keys by their flow tags and
// merge their outputs back; Validate knows what they read and write.
func ExampleTyped() {
	type order struct {
		Price    float64 `flow:"price"`
		Quantity int     `flow:"quantity"`
	}
	type priced struct {
		Total float64 `flow:"total"`
	}
	total := flow.Typed("total", func(_ context.Context, o order) (priced, error) {
		return priced{Total: o.Price * float64(o.Quantity)}, nil
	})
	stack := flow.New(total)
	fmt.Println(stack.Validate("price"))
	out, err := stack.Run(context.Background(), map[string]any{"price": 2.5, "quantity": 4.0})
	t, _ := out.Get("total")
	fmt.Println(t, err)
	_, err = stack.Run(context.Background(), map[string]any{"price": "cheap", "quantity": 1})
	fmt.Println(err)
	// Output:
	// flow: stage "total": expects key "quantity", which is neither an input nor promised upstream on every path
	// 10 <nil>
	// stage "total": wrong type for key "price": want float64, found string "cheap"
}

// Retry processes the input again from the start, from its original values.
func Example_retry() {
	calls := 0
	stack := flow.New(
		flow.Func("count", func(_ context.Context, c *flow.Context) error {
			n, _ := flow.Value[int](c, "n")
			c.Set("n", n+1) // lost on retry: each attempt starts from n = 0
			return nil
		}),
		flow.Func("flaky", func(_ context.Context, c *flow.Context) error {
			if calls++; calls < 3 {
				return flow.Retry(errors.New("upstream timeout"))
			}
			return nil
		}),
	).WithPolicy(flow.Policy{MaxAttempts: 5, Backoff: backoff.Exponential{Initial: time.Millisecond}})
	out, err := stack.Run(context.Background(), map[string]any{"n": 0})
	n, _ := out.Get("n")
	fmt.Println("n =", n, "attempt", out.Attempt(), err)
	// Output: n = 1 attempt 3 <nil>
}

// DB stands for a service holding a connection.
type DB struct{ broken bool }

func (d *DB) Start(context.Context) error { fmt.Println("connect"); d.broken = false; return nil }
func (d *DB) Stop(context.Context) error  { fmt.Println("disconnect"); return nil }
func (d *DB) Call(_ context.Context, c *flow.Context) error {
	if d.broken {
		return flow.Fatal(errors.New("connection reset"))
	}
	c.Set("saved", true)
	return nil
}

// Fatal restarts the service (Stop, then Start) and redelivers the input.
func Example_fatal() {
	db := &DB{}
	stack := flow.New(db).WithPolicy(flow.Policy{RestartBackoff: backoff.Exponential{Initial: time.Millisecond}})
	ctx := context.Background()
	stack.Run(ctx, nil) // first use starts it
	db.broken = true
	out, err := stack.Run(ctx, nil)
	saved, _ := out.Get("saved")
	fmt.Println("saved:", saved, err)
	// Output:
	// connect
	// disconnect
	// connect
	// saved: true <nil>
}

// Stop ends an input early; it is not a failure.
func ExampleStop() {
	stack := flow.New(
		flow.Func("validate", func(_ context.Context, c *flow.Context) error {
			if q, _ := flow.Value[int](c, "quantity"); q <= 0 {
				return flow.Stop("quantity must be positive")
			}
			return nil
		}),
		say("ship"),
	)
	_, err := stack.Run(context.Background(), map[string]any{"quantity": 0})
	fmt.Println(err, errors.Is(err, flow.ErrStopped))
	// Output: stage "validate": stopped: quantity must be positive true
}
