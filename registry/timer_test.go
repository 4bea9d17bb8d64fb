package registry_test

import (
	"context"
	"maps"
	"sync"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

// One timer measures many inputs at once, as in the actor runtime: more
// inputs in flight than a slab of start times holds, from several
// goroutines; each gets its duration, and no hidden key is left (run with
// -race: no two inputs share a start time's storage).
func TestTimerManyInputsAtOnce(t *testing.T) {
	d := decorator(t, "timer", map[string]any{"key": "ms"}, registry.FlowInfo{})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			cs := make([]*flow.Context, 150)
			for i := range cs {
				cs[i] = flow.NewContext(map[string]any{"i": i})
				if err := d.Before(ctx, cs[i]); err != nil {
					errs <- err
					return
				}
			}
			for _, c := range cs {
				if err := d.After(ctx, c, nil); err != nil {
					errs <- err
					return
				}
				vals := maps.Collect(c.All())
				if ms, ok := vals["ms"].(float64); !ok || ms < 0 || len(vals) != 2 {
					t.Errorf("values after the timer: %v, want i and ms ≥ 0", vals)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
