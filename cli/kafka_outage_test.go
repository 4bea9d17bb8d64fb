package cli_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/snapshot"
)

// A Kafka broker lost mid-run: kfake keeps its data in memory only, so the
// loss is simulated by closing the connection of every request while down
// (what a dead broker looks like to a client: dials and requests fail).
// flowrun keeps running, the monitor shows DEGRADED with the source lost,
// --ui off logs it on stderr, everything recovers once the broker answers
// again, and every input, before and after, has its result and is
// committed.
func TestKafkaBrokerLostMidRun(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "in", "out", "dead"), kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var down atomic.Bool
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if down.Load() {
			return nil, errors.New("broker down"), true // the cluster closes the connection
		}
		return nil, nil, false
	})
	addr := c.ListenAddrs()[0]
	const first, second = 3000, 1000
	produceRange(t, addr, 0, first)
	out := watchOutputs(t, addr, "out")

	monitorAddr := freeAddr(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		args := append([]string{"run", "testdata/pass.yaml"}, kafkaRun(addr, "g", "--monitor", monitorAddr)...) // --ui off: warnings on stderr
		code <- cli.Execute(ctx, args, strings.NewReader(""), io.Discard, stderr, nil)
	}()
	out.waitDistinct(t, first/3, time.Minute)
	waitSnapshot(t, monitorAddr, "the connections up", func(s snapshot.Snapshot) bool { return len(s.Connections) == 3 && s.Degraded == "" })

	down.Store(true)
	lost := waitSnapshot(t, monitorAddr, "DEGRADED with the source lost", func(s snapshot.Snapshot) bool {
		up, listed := connUp(s, "in")
		return listed && !up && s.State == snapshot.Degraded
	})
	stderr.waitFor(t, "kafka: cluster lost; retrying", time.Minute)
	down.Store(false)
	waitSnapshot(t, monitorAddr, "RUNNING with every connection back", func(s snapshot.Snapshot) bool {
		return s.State == snapshot.Running && s.Degraded == ""
	})
	produceRange(t, addr, first, first+second)
	out.waitDistinct(t, first+second, 2*time.Minute)

	cancel()
	if c := <-code; c != 0 { // a broker source drained cleanly
		t.Fatalf("exit %d, want 0:\n%s", c, tail(stderr.String()))
	}
	summary := stderr.String()
	if !strings.Contains(summary, "broker_lost=in:") {
		t.Errorf("summary does not say the broker was lost:\n%s", tail(summary))
	}
	var sum int64
	for _, o := range committed(t, addr, "g", "in") {
		sum += o
	}
	if sum != first+second {
		t.Errorf("the group committed %d records in all, want %d", sum, first+second)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	dups := 0
	for id := range first + second {
		switch k := out.count[id]; {
		case k == 0:
			t.Fatalf("input %d has no result", id)
		case k > 1:
			dups += k - 1
		}
	}
	t.Logf("%d inputs, broker lost mid-run (%s); %d duplicate results", first+second, lost.Degraded, dups)
}

// produceRange writes {"id": i} for i in [from, to), keyed k(i%8).
func produceRange(t *testing.T, addr string, from, to int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("in"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for i := from; i < to; i++ {
		recs = append(recs, &kgo.Record{Key: fmt.Appendf(nil, "k%d", i%8), Value: fmt.Appendf(nil, `{"id":%d}`, i)})
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}
