package cli_test

import (
	"encoding/json"
	"fmt"
	"github.com/serviceflow/serviceflow/internal/natstest"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// natsServer starts an embedded NATS server with JetStream in a temporary
// directory, on loopback, with streams IN (in.>), OUT (out.>) and DEAD
// (dead.>).
func natsServer(t *testing.T) (string, jetstream.JetStream) {
	t.Helper()
	srv := natstest.Start(t)
	return srv.Addr(), srv.JetStream(map[string]string{"IN": "in.>", "OUT": "out.>", "DEAD": "dead.>"})
}

// publishInputs publishes n messages {"id": i} and returns each one's
// stream sequence, by id.
func publishInputs(t *testing.T, js jetstream.JetStream, n int) map[int]uint64 {
	t.Helper()
	seqs := make(map[int]uint64, n)
	for from := 0; from < n; from += 1000 {
		var futures []jetstream.PubAckFuture
		for i := from; i < min(n, from+1000); i++ {
			f, err := js.PublishAsync(fmt.Sprintf("in.k%d", i%100), fmt.Appendf(nil, `{"id":%d}`, i))
			if err != nil {
				t.Fatal(err)
			}
			futures = append(futures, f)
		}
		for i, f := range futures {
			select {
			case ack := <-f.Ok():
				seqs[from+i] = ack.Sequence
			case err := <-f.Err():
				t.Fatal(err)
			}
		}
	}
	return seqs
}

// natsOutputs counts the results in stream OUT per input id.
type natsOutputs struct {
	mu       sync.Mutex
	count    map[int]int
	distinct int
	changed  chan struct{}
}

func watchNATS(t *testing.T, js jetstream.JetStream) *natsOutputs {
	t.Helper()
	o := &natsOutputs{count: map[int]int{}, changed: make(chan struct{})}
	cons, err := js.OrderedConsumer(t.Context(), "OUT", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		var v struct{ Values struct{ ID *int } }
		if json.Unmarshal(m.Data(), &v) != nil || v.Values.ID == nil {
			t.Errorf("result %s has no id", m.Data())
			return
		}
		o.mu.Lock()
		if o.count[*v.Values.ID] == 0 {
			o.distinct++
		}
		o.count[*v.Values.ID]++
		close(o.changed)
		o.changed = make(chan struct{})
		o.mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cc.Stop)
	return o
}

func (o *natsOutputs) waitDistinct(t *testing.T, n int, limit time.Duration) {
	t.Helper()
	timeout := time.After(limit)
	for {
		o.mu.Lock()
		got, changed := o.distinct, o.changed
		o.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("only %d of %d inputs have results after %v", got, n, limit)
		}
	}
}

// TestNATSCrashLosesNothing kills a flowrun reading a JetStream stream
// with SIGKILL mid-stream and starts another on the same durable consumer:
// every message gets a result, none at or below the consumer's ack floor
// at the crash gets two, and there are at most as many duplicates as the
// run's bound on messages whose acks were unconfirmed (stream.WindowFor
// max_in_flight). An ack wait that passes while a message waits in the pull
// buffer makes the server send it again; the source drops such a copy of a
// message it holds or just acked, so that repeats nothing either.
//
// It runs 30,000 records by default (the NATS path runs at about 2,000
// inputs/s under -race here) and 100,000 with FLOWRUN_CRASH_FULL=1.
func TestNATSCrashLosesNothing(t *testing.T) {
	t.Parallel()
	n := crashRecords()
	if os.Getenv("FLOWRUN_CRASH_FULL") != "1" {
		n = min(n, 30_000)
	}
	addr, js := natsServer(t)
	seqs := publishInputs(t, js, n)
	out := watchNATS(t, js)
	args := []string{"run", "testdata/chaos.yaml", "--ui", "plain", // see stop
		"--in", "nats://" + addr + "/IN?durable=worker&ack_wait=2s",
		"--out", "nats://" + addr + "/OUT?subject=out.results",
		"--dead-letters", "nats://" + addr + "/DEAD?subject=dead.letters"}

	cmd, _ := flowrunProcess(t, args...)
	out.waitDistinct(t, n/3, 2*time.Minute)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	cons, err := js.Consumer(t.Context(), "IN", "worker")
	if err != nil {
		t.Fatal(err)
	}
	info, err := cons.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	floor := info.AckFloor.Stream

	cmd, stderr := flowrunProcess(t, args...)
	out.waitDistinct(t, n, 5*time.Minute)
	stop(t, cmd, stderr)

	out.mu.Lock()
	defer out.mu.Unlock()
	dups := 0
	for id, seq := range seqs {
		switch k := out.count[id]; {
		case k == 0:
			t.Fatalf("input %d (sequence %d) has no result", id, seq)
		case k > 1:
			dups += k - 1
			if seq <= floor {
				t.Fatalf("input %d (sequence %d) has %d results, but the ack floor at the crash was %d", id, seq, k, floor)
			}
		}
	}
	if window := uncommittedBound(t, "testdata/chaos.yaml"); dups > window {
		t.Errorf("%d duplicates, but at most %d messages are handed out with acks unconfirmed at any time", dups, window)
	}
	t.Logf("%d records, killed with the ack floor at %d and %d acks pending; %d duplicates, all above the floor", n, floor, info.NumAckPending, dups)
}
