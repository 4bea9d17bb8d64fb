package cli_test

import (
	"testing"
	"time"
)

// TestKafkaDrainLeavesNoDuplicates stops a flowrun consuming a topic with
// SIGTERM mid-stream and starts another in the same group: the drain
// commits every durable result (and exits 0), so the restart repeats
// nothing and every record has exactly one result.
func TestKafkaDrainLeavesNoDuplicates(t *testing.T) {
	t.Parallel()
	n := crashRecords() / 5
	addr := kafkaCluster(t, 3, "in", "out", "dead")
	pos := produceInputs(t, addr, "in", n, 100)
	out := watchOutputs(t, addr, "out")
	args := append([]string{"run", "testdata/chaos.yaml"}, kafkaRunSession(addr, "g", 10*time.Second, stoppable...)...)

	drainAndResume(t, args, n, out)

	out.mu.Lock()
	defer out.mu.Unlock()
	for id, p := range pos {
		if k := out.count[id]; k != 1 {
			t.Fatalf("input %d (partition %d offset %d) has %d results, want 1", id, p.partition, p.offset, k)
		}
	}
}

// TestNATSDrainLeavesNoDuplicates does the same with a JetStream durable
// consumer: the drain acks every durable result before it disconnects;
// what the stopped process had pulled and not handed out is delivered to
// the next once its ack wait passes, and processed once.
func TestNATSDrainLeavesNoDuplicates(t *testing.T) {
	t.Parallel()
	n := min(crashRecords()/5, 10_000)
	addr, js := natsServer(t)
	seqs := publishInputs(t, js, n)
	out := watchNATS(t, js)
	args := []string{"run", "testdata/chaos.yaml", "--ui", "plain", // see stop
		"--in", "nats://" + addr + "/IN?durable=worker&ack_wait=2s",
		"--out", "nats://" + addr + "/OUT?subject=out.results",
		"--dead-letters", "nats://" + addr + "/DEAD?subject=dead.letters"}

	drainAndResume(t, args, n, out)

	out.mu.Lock()
	defer out.mu.Unlock()
	for id, seq := range seqs {
		if k := out.count[id]; k != 1 {
			t.Fatalf("input %d (sequence %d) has %d results, want 1", id, seq, k)
		}
	}
}

// drainAndResume runs flowrun with args until n/3 inputs have results,
// stops it with SIGTERM (its drain must exit 0), then runs another with the
// same args until all n have, and stops that one too.
func drainAndResume(t *testing.T, args []string, n int, out interface {
	waitDistinct(t *testing.T, n int, limit time.Duration)
}) {
	t.Helper()
	cmd, stderr := flowrunProcess(t, args...)
	out.waitDistinct(t, n/3, 2*time.Minute)
	stop(t, cmd, stderr)
	cmd, stderr = flowrunProcess(t, args...)
	out.waitDistinct(t, n, 5*time.Minute)
	stop(t, cmd, stderr)
}
