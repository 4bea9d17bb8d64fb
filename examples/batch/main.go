// Batch: a bulk insert in a few lines. flow.Batch gets up to MaxBatch inputs
// per call and says what happened to each with a flow.BatchError: here a
// duplicate order is Stopped and a malformed one fails, alone, while the rest
// of its batch is inserted. Each call costs a round trip (2 ms here), so the
// flow runs at the rate of batches, not of inputs; the runtime's snapshot
// says how the batches filled.
//
//	go run ./examples/batch
//
// The same in a flow file, with the built-in append service (one fsync per
// batch):
//
//	go run ./cmd/flowrun run examples/batch/orders.yaml --in examples/batch/orders.jsonl
package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// table stands for a database table with a unique key.
type table struct {
	mu   sync.Mutex
	rows map[string]float64
}

// insert writes a batch in one round trip.
func (t *table) insert(ctx context.Context, batch []*flow.Context) error {
	time.Sleep(2 * time.Millisecond) // the round trip, once per call
	errs := make(flow.BatchError, len(batch))
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, c := range batch {
		sku, err := flow.Value[string](c, "sku")
		if err != nil {
			errs[i] = err // this input fails; the others go on
			continue
		}
		if _, dup := t.rows[sku]; dup {
			errs[i] = flow.Stop("duplicate " + sku)
			continue
		}
		price, _ := flow.Value[float64](c, "price")
		t.rows[sku] = price
		c.Set("row", len(t.rows))
	}
	return errs
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	t := &table{rows: map[string]float64{}}
	insert := flow.Batch("insert", t.insert,
		flow.MaxBatch(100), flow.MaxWait(20*time.Millisecond), flow.Expects("sku"), flow.Promises("row"))
	orders := flow.New(insert).Named("orders")
	if err := orders.Validate("sku", "price"); err != nil {
		return err
	}

	// One input at a time, as in a unit test: a batch of one.
	c, err := orders.Run(ctx, map[string]any{"sku": "first", "price": 1.5})
	if err != nil {
		return err
	}
	row, _ := c.Get("row")
	fmt.Println("flow.Run: row", row)
	orders.Stop(ctx)

	// A stream: the runtime gathers batches from the stage's mailbox.
	rt, err := actors.Start(ctx, orders)
	if err != nil {
		return err
	}
	const n = 1000
	go func() {
		for i := range n {
			in := map[string]any{"sku": fmt.Sprintf("sku-%d", i), "price": float64(i)}
			switch i {
			case 500:
				in["sku"] = "sku-1" // a duplicate
			case 700:
				in["sku"] = 700 // not a string
			}
			if err := rt.Submit(ctx, in); err != nil {
				break
			}
		}
		rt.Drain(ctx)
	}()
	count := map[flow.Status]int{}
	for r := range rt.Results() {
		count[r.Status]++
		if r.Status != flow.Done {
			fmt.Printf("%-7s %v\n", r.Status, r.Err)
		}
	}
	fmt.Printf("%d orders: %d done, %d stopped, %d failed; %d rows\n", n, count[flow.Done], count[flow.Stopped], count[flow.Failed], len(t.rows))
	for _, st := range rt.Snapshot().Stages {
		if b := st.Batch; b != nil {
			fmt.Printf("%s: %d inputs in batches of up to %d; fewer than 100 calls: %v\n", st.Name, b.Inputs, b.MaxSize, b.Batches < 100)
		}
	}
	return nil
}
