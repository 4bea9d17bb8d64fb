package snapshot_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// A recording is snapshots as JSON lines: write them with an Encoder, read
// them back with a Decoder until io.EOF.
func ExampleDecoder() {
	var rec bytes.Buffer
	enc := snapshot.NewEncoder(&rec)
	for i, st := range []snapshot.State{snapshot.Running, snapshot.Paused, snapshot.Stopped} {
		_ = enc.Encode(snapshot.Snapshot{Flow: "orders", State: st, Totals: snapshot.Totals{Done: uint64(10 * i)},
			Stages: []snapshot.Stage{{Name: "parse", P99: 8400 * time.Microsecond}}})
	}

	dec := snapshot.NewDecoder(&rec)
	for {
		s, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err) // errors.Is(err, snapshot.ErrSchema) for another version
			return
		}
		fmt.Println(s.Flow, s.State, s.Totals.Done, s.Stages[0].P99)
	}
	// Output:
	// orders RUNNING 0 8.4ms
	// orders PAUSED 10 8.4ms
	// orders STOPPED 20 8.4ms
}

// The JSON form: a schema version, lower-case keys, durations as strings.
func ExampleEncoder() {
	var b bytes.Buffer
	_ = snapshot.NewEncoder(&b).Encode(snapshot.Snapshot{Flow: "orders", Retry: snapshot.Retry{Attempts: 3, Initial: 100 * time.Millisecond, Max: 5 * time.Second}})
	js := b.String()
	retry := js[strings.Index(js, `"retry"`):]
	fmt.Println(js[:28])
	fmt.Println(retry[:strings.Index(retry, "}")+1])
	fmt.Println(js[strings.Index(js, `"stages"`):])
	// Output:
	// {"schema":1,"flow":"orders",
	// "retry":{"attempts":3,"initial":"100ms","max":"5s"}
	// "stages":[],"edges":[],"supervisors":[],"events":[],"dead_letters":[],"evicted":0,"partitions":[],"connections":[],"degraded":""}
}
