package cli_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/monitor"
)

// freeAddr is a loopback address nothing listens on (a port the kernel
// just handed out and took back).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// A run over Kafka shows the partitions it owns and the lag of each: in the
// plain progress line, the monitor's snapshots and the metrics; once every
// record is done, the lag is 0.
func TestKafkaPartitionLag(t *testing.T) {
	t.Parallel()
	addr := kafkaCluster(t, 2, "in", "out", "dead")
	produceInputs(t, addr, "in", 40, 8)
	out := watchOutputs(t, addr, "out")
	metricsAddr, monitorAddr := freeAddr(t), freeAddr(t)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		// The group's default session timeout, not kafkaRun's 1 s: with
		// that, a loaded machine can starve the heartbeat, and the
		// rebalance that follows empties the partition list for a moment
		// and has records read again, so the lag is not 0 when checked.
		url := func(topic string) string { return fmt.Sprintf("kafka://%s/%s?group=g", addr, topic) }
		args := []string{"run", "testdata/pass.yaml", "--in", url("in"), "--out", url("out"), "--dead-letters", url("dead"),
			"--ui", "plain", "--metrics", metricsAddr, "--monitor", monitorAddr}
		code <- cli.Execute(ctx, args, strings.NewReader(""), io.Discard, stderr, nil)
	}()
	out.waitDistinct(t, 40, time.Minute)
	// A progress line after every record was done: one written after the
	// last result was seen (the lines before the first fetch say lag 0
	// too, knowing no high watermark yet), once the source has its acks.
	stderr.waitForSince(t, stderr.Len(), "partition_lag=0:0,1:0", time.Minute)

	s := monitor.Dial(monitorAddr).Snapshot()
	var high int64
	for _, p := range s.Partitions {
		if p.Lag != 0 {
			t.Errorf("partition %s: lag %d after every record was done", p.Name, p.Lag)
		}
		high += p.High
	}
	if len(s.Partitions) != 2 || high != 40 {
		t.Errorf("the monitor's snapshot lists %+v, want partitions 0 and 1 with 40 records in all", s.Partitions)
	}

	checkMetrics(t, metricsAddr, "# TYPE serviceflow_source_partition_lag gauge", `partition="0"} 0`, `partition="1"} 0`)

	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("exit %d, want 0:\n%s", c, stderr.String())
	}
	if !strings.Contains(stderr.String(), "partitions=0,1 lag=0") {
		t.Errorf("summary:\n%s", stderr.String())
	}
}

// checkMetrics fetches the Prometheus metrics served at addr and fails t
// for each of want they do not contain.
func checkMetrics(t *testing.T, addr string, want ...string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(string(body), w) {
			t.Errorf("metrics lack %q:\n%s", w, body)
		}
	}
}
