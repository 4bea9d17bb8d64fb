package flowfile_test

import (
	"context"
	"fmt"

	"github.com/serviceflow/serviceflow/flowfile"
)

func ExampleLoad() {
	src := []byte(`
name: greet
input: {name: string, qty: int}
steps:
  - service: filter
    with: {if: "qty > 0", reason: "nothing ordered"}
  - service: expr
    with: {set: {message: '"hello, " + name'}}
`)
	f, err := flowfile.Load("greet.yaml", src, nil) // nil: the built-in services
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := f.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	c, err := f.Flow.Run(context.Background(), map[string]any{"name": "Ann", "qty": 1})
	message, _ := c.Get("message")
	fmt.Println(message, err)
	_, err = f.Flow.Run(context.Background(), map[string]any{"name": "Bob", "qty": 0})
	fmt.Println(err)

	_, err = flowfile.Load("typo.yaml", []byte("steps:\n  - service: log\n    concurency: 2\n"), nil)
	fmt.Println(err)
	// Output:
	// hello, Ann <nil>
	// stage "filter": stopped: nothing ordered
	// typo.yaml:3:5: unknown field "concurency" in service step (did you mean "concurrency"?); known: service, name, with, concurrency, timeout, by_key, batch
}
