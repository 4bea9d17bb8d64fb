package actors_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// TestAffinityRoutesPoolsByKey: with actors.Affinity, a pool whose stage has
// no ByKey of its own sends each key to one instance, in order.
func TestAffinityRoutesPoolsByKey(t *testing.T) {
	var mu sync.Mutex
	instanceOf := map[string]int{} // key → the instance that saw it
	order := map[string][]int{}    // key → the sequence numbers seen, in order
	var built atomic.Int32
	pool := flow.Build("work", func() (flow.Service, error) {
		me := int(built.Add(1))
		return flow.Func("work", func(_ context.Context, c *flow.Context) error {
			k, _ := c.Get("\x00key")
			n, _ := flow.Value[int](c, "n")
			mu.Lock()
			defer mu.Unlock()
			key := k.(string)
			if prev, ok := instanceOf[key]; ok && prev != me {
				t.Errorf("key %s on instances %d and %d", key, prev, me)
			}
			instanceOf[key] = me
			order[key] = append(order[key], n)
			return nil
		}), nil
	}, flow.Concurrency(4))
	rt, err := actors.Start(t.Context(), flow.New(pool), actors.Affinity("\x00key"))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for i := range 2000 {
			if err := rt.Submit(t.Context(), map[string]any{"\x00key": fmt.Sprintf("k%d", i%13), "n": i}); err != nil {
				t.Error(err)
				break
			}
		}
		rt.Drain(t.Context())
	}()
	for range rt.Results() {
	}
	for key, ns := range order {
		for i := 1; i < len(ns); i++ {
			if ns[i] < ns[i-1] {
				t.Fatalf("key %s: %d after %d", key, ns[i], ns[i-1])
			}
		}
	}
	if len(instanceOf) != 13 {
		t.Fatalf("%d keys seen, want 13", len(instanceOf))
	}
}
