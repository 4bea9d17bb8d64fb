package supervisor_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/supervisor"
)

// stage is a pipeline stage that prints its lifecycle.
type stage struct{ name string }

func (s stage) Name() string                    { return s.name }
func (s stage) Stop(ctx context.Context) error  { fmt.Println("stop", s.name); return nil }
func (s stage) Start(ctx context.Context) error { fmt.Println("start", s.name); return nil }

func ExampleSupervisor_Failed() {
	sup := supervisor.New("orders", supervisor.Spec{
		Strategy:    supervisor.RestForOne, // later stages depend on earlier ones
		MaxRestarts: 1,
		Within:      time.Minute,
		Backoff:     backoff.Exponential{Initial: time.Microsecond, Max: time.Millisecond},
	}, stage{"parse"}, stage{"enrich"}, stage{"store"})

	ctx := context.Background()
	err := sup.Failed(ctx, "enrich", errors.New("lookup table corrupt"))
	fmt.Println("first failure:", err)

	err = sup.Failed(ctx, "enrich", errors.New("lookup table corrupt"))
	fmt.Println("second failure:", err)
	fmt.Println("escalated:", errors.Is(err, supervisor.ErrEscalated))

	st := sup.Stats()
	fmt.Printf("%s: %s, %d/%d restarts used\n", st.Name, st.Strategy, st.Used, st.MaxRestarts)
	// Output:
	// stop store
	// stop enrich
	// start enrich
	// start store
	// first failure: <nil>
	// second failure: supervisor "orders": child "enrich" restarted 1 time within 1m0s; giving up: lookup table corrupt
	// escalated: true
	// orders: rest-for-one, 1/1 restarts used
}
