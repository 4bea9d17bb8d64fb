package cli_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/monitor"
)

// A run over JetStream shows its durable consumer as its one partition,
// STREAM/DURABLE, with its ack floor, the stream's last sequence and the
// messages not done: in the plain progress line, the monitor's snapshots
// and the metrics; once every message is done, the lag is 0.
func TestNATSConsumerLag(t *testing.T) {
	t.Parallel()
	addr, js := natsServer(t)
	publishInputs(t, js, 40)
	out := watchNATS(t, js)
	metricsAddr, monitorAddr := freeAddr(t), freeAddr(t)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- cli.Execute(ctx, []string{"run", "testdata/pass.yaml", "--ui", "plain", "--metrics", metricsAddr, "--monitor", monitorAddr,
			"--in", "nats://" + addr + "/IN?durable=worker",
			"--out", "nats://" + addr + "/OUT?subject=out.results"}, strings.NewReader(""), io.Discard, stderr, nil)
	}()
	out.waitDistinct(t, 40, time.Minute)
	// A progress line after every message was done: one from before (the
	// run's first, when nothing was fetched yet, says lag 0 too) would let
	// the snapshot below see the acks not yet applied.
	stderr.waitForSince(t, stderr.Len(), "partition_lag=IN/worker:0", time.Minute)

	s := monitor.Dial(monitorAddr).Snapshot()
	if len(s.Partitions) != 1 || s.Partitions[0].Name != "IN/worker" || s.Partitions[0].High != 40 || s.Partitions[0].Committed != 40 || s.Partitions[0].Lag != 0 {
		t.Errorf("the monitor's snapshot lists %+v, want IN/worker with ack floor 40 of 40, lag 0", s.Partitions)
	}
	checkMetrics(t, metricsAddr, `serviceflow_source_partition_lag{flow="pass",partition="IN/worker"} 0`,
		`serviceflow_source_partition_committed_offset{flow="pass",partition="IN/worker"} 40`,
		`serviceflow_source_up{flow="pass"} 1`, `serviceflow_sink_up{flow="pass",sink="out"} 1`)
	cancel()
	if c := <-code; c != 0 { // a broker source drained cleanly
		t.Fatalf("exit %d, want 0:\n%s", c, stderr.String())
	}
	if !strings.Contains(stderr.String(), "consumer=IN/worker lag=0") {
		t.Errorf("summary:\n%s", stderr.String())
	}
}
