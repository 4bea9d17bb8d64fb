package flow_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/serviceflow/serviceflow/flow"
)

// A batch service takes many inputs per call: a bulk insert in a few lines.
// Run calls it with a batch of one; package actors gathers up to MaxBatch
// inputs, waiting at most MaxWait for a batch to fill.
func ExampleBatch() {
	var table []string // stands for a database table
	insert := flow.Batch("insert", func(_ context.Context, batch []*flow.Context) error {
		errs := make(flow.BatchError, len(batch)) // one outcome per input
		for i, c := range batch {
			sku, err := flow.Value[string](c, "sku")
			if err != nil {
				errs[i] = err // fails this input alone
				continue
			}
			table = append(table, sku)
			c.Set("row", len(table))
		}
		return errs
	}, flow.MaxBatch(500), flow.MaxWait(20*time.Millisecond), flow.Expects("sku"), flow.Promises("row"))

	f := flow.New(insert)
	for _, in := range []map[string]any{{"sku": "apple"}, {"sku": "pear"}, {"sku": 7}} {
		c, err := f.Run(context.Background(), in)
		row, _ := c.Get("row")
		fmt.Println(in["sku"], row, err)
	}
	// Output:
	// apple 1 <nil>
	// pear 2 <nil>
	// 7 <nil> stage "insert": wrong type for key "sku": want string, found int 7
}

// TypedBatch binds each input to a struct and merges one output per input
// back, by their flow tags.
func ExampleTypedBatch() {
	type Word struct {
		Text string `flow:"text"`
	}
	type Shout struct {
		Loud string `flow:"loud"`
	}
	shout := flow.TypedBatch("shout", func(_ context.Context, words []Word) ([]Shout, error) {
		out := make([]Shout, len(words))
		for i, w := range words {
			out[i] = Shout{Loud: strings.ToUpper(w.Text) + "!"}
		}
		return out, nil
	})
	c, err := flow.New(shout).Run(context.Background(), map[string]any{"text": "hello"})
	loud, _ := c.Get("loud")
	fmt.Println(loud, err)
	// Output: HELLO! <nil>
}
