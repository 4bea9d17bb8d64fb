package cli_test

import (
	"context"
	"fmt"
	"github.com/serviceflow/serviceflow/internal/natstest"
	"github.com/serviceflow/serviceflow/internal/testpoll"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/monitor"
	"github.com/serviceflow/serviceflow/snapshot"
)

// waitSnapshot polls the monitor at addr until a snapshot satisfies ok.
func waitSnapshot(t *testing.T, addr, what string, ok func(snapshot.Snapshot) bool) snapshot.Snapshot {
	t.Helper()
	c := monitor.Dial(addr)
	var s snapshot.Snapshot
	testpoll.Until(t, "the monitor shows "+what, func() bool {
		s = c.Snapshot()
		return ok(s)
	})
	return s
}

func connUp(s snapshot.Snapshot, name string) (up, listed bool) {
	for _, c := range s.Connections {
		if c.Name == name {
			return c.Up, true
		}
	}
	return false, false
}

// A JetStream server restarted mid-run (a real restart: shut down, then
// started on the same port and store): flowrun keeps running, the monitor
// shows DEGRADED and which connections are lost meanwhile, the source and
// sinks recover on their own, and every input, before and after the
// restart, has its result; the summary says the brokers were lost.
func TestNATSRestartMidRun(t *testing.T) {
	t.Parallel()
	r := natstest.Start(t)
	js := r.JetStream(map[string]string{"IN": "in.>", "OUT": "out.>", "DEAD": "dead.>"}, nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond))
	const first, second = 3000, 1000
	publishRange(t, js, 0, first)
	out := watchNATS(t, js)

	addr, monitorAddr := r.Addr(), freeAddr(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- cli.Execute(ctx, []string{"run", "testdata/pass.yaml", "--ui", "plain", "--monitor", monitorAddr,
			"--in", "nats://" + addr + "/IN?durable=worker&ack_wait=5s",
			"--out", "nats://" + addr + "/OUT?subject=out.results",
			"--dead-letters", "nats://" + addr + "/DEAD?subject=dead.letters"}, strings.NewReader(""), io.Discard, stderr, nil)
	}()
	out.waitDistinct(t, first/3, time.Minute)
	waitSnapshot(t, monitorAddr, "the connections up", func(s snapshot.Snapshot) bool { return len(s.Connections) == 3 && s.Degraded == "" })

	r.Stop()
	lost := waitSnapshot(t, monitorAddr, "DEGRADED with the source lost", func(s snapshot.Snapshot) bool {
		up, listed := connUp(s, "in")
		return listed && !up && s.State == snapshot.Degraded && strings.Contains(s.Degraded, "in: ")
	})
	stderr.waitFor(t, "state=DEGRADED", time.Minute)
	stderr.waitFor(t, "event=broker-lost", time.Minute)
	r.Restart()
	waitSnapshot(t, monitorAddr, "RUNNING with every connection back", func(s snapshot.Snapshot) bool {
		return s.State == snapshot.Running && s.Degraded == "" && len(s.Connections) == 3
	})
	stderr.waitFor(t, "event=broker-back", time.Minute)
	publishRange(t, js, first, first+second) // the source resumes: new records flow too
	out.waitDistinct(t, first+second, 2*time.Minute)

	cancel()
	if c := <-code; c != 0 { // a broker source drained cleanly
		t.Fatalf("exit %d, want 0:\n%s", c, tail(stderr.String()))
	}
	summary := stderr.String()
	if !strings.Contains(summary, "summary: interrupted") || !strings.Contains(summary, "broker_lost=in:1(") {
		t.Errorf("summary does not say the broker was lost:\n%s", tail(summary))
	}
	cons, err := js.Consumer(t.Context(), "IN", "worker")
	if err != nil {
		t.Fatal(err)
	}
	info, err := cons.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if info.AckFloor.Stream != first+second || info.NumAckPending != 0 {
		t.Errorf("ack floor %d with %d pending after the run, want %d and 0", info.AckFloor.Stream, info.NumAckPending, first+second)
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
	t.Logf("%d inputs, server restarted mid-run (degraded: %s); %d duplicate results", first+second, lost.Degraded, dups)
}

// publishRange publishes {"id": i} for i in [from, to).
func publishRange(t *testing.T, js jetstream.JetStream, from, to int) {
	t.Helper()
	var futures []jetstream.PubAckFuture
	for i := from; i < to; i++ {
		f, err := js.PublishAsync(fmt.Sprintf("in.k%d", i%100), fmt.Appendf(nil, `{"id":%d}`, i))
		if err != nil {
			t.Fatal(err)
		}
		futures = append(futures, f)
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			t.Fatal(err)
		}
	}
}
