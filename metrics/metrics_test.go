package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/serviceflow/serviceflow/snapshot"
)

type fixed snapshot.Snapshot

func (f fixed) Snapshot() snapshot.Snapshot { return snapshot.Snapshot(f) }

func orders() fixed {
	return fixed{
		Flow: "orders", State: snapshot.Paused, MaxInFlight: 64, Evicted: 3,
		Totals: snapshot.Totals{Admitted: 10, Done: 7, Stopped: 1, Failed: 1, InFlight: 1, Retried: 2, Read: 12, Malformed: 2},
		Stages: []snapshot.Stage{
			{Name: "parse", Kind: snapshot.KindService, Received: 10, Done: 7, Stopped: 1, Retried: 2, Failed: 1, Restarts: 2, Mailbox: 3,
				P50: time.Millisecond, P99: 4 * time.Millisecond, InRate: 5,
				Latency: snapshot.Histogram{Count: 4, Sum: 6 * time.Millisecond, Buckets: []snapshot.Bucket{
					{Le: time.Millisecond, Count: 2}, {Le: 5 * time.Millisecond, Count: 4}}}},
			{Name: "route", Kind: snapshot.KindFork, Received: 7, Done: 7},
			{Name: "results", Kind: snapshot.KindSink, Received: 9},
		},
	}
}

func TestCollector(t *testing.T) {
	want := `
# HELP serviceflow_inputs_admitted_total Inputs accepted by Submit.
# TYPE serviceflow_inputs_admitted_total counter
serviceflow_inputs_admitted_total{flow="orders"} 10
# HELP serviceflow_inputs_total Finished inputs by outcome (done, stopped, failed); they sum to all finished inputs.
# TYPE serviceflow_inputs_total counter
serviceflow_inputs_total{flow="orders",outcome="done"} 7
serviceflow_inputs_total{flow="orders",outcome="failed"} 1
serviceflow_inputs_total{flow="orders",outcome="stopped"} 1
# HELP serviceflow_input_lines_read_total Records read by the program feeding the flow (0 unless it counts them).
# TYPE serviceflow_input_lines_read_total counter
serviceflow_input_lines_read_total{flow="orders"} 12
# HELP serviceflow_input_lines_malformed_total Records read that could not be decoded, and so were not submitted.
# TYPE serviceflow_input_lines_malformed_total counter
serviceflow_input_lines_malformed_total{flow="orders"} 2
# HELP serviceflow_stage_calls_total Finished calls of the stage by outcome (done, stopped, retried, failed); they sum to all its calls.
# TYPE serviceflow_stage_calls_total counter
serviceflow_stage_calls_total{flow="orders",kind="fork",outcome="done",stage="route"} 7
serviceflow_stage_calls_total{flow="orders",kind="fork",outcome="failed",stage="route"} 0
serviceflow_stage_calls_total{flow="orders",kind="fork",outcome="retried",stage="route"} 0
serviceflow_stage_calls_total{flow="orders",kind="fork",outcome="stopped",stage="route"} 0
serviceflow_stage_calls_total{flow="orders",kind="service",outcome="done",stage="parse"} 7
serviceflow_stage_calls_total{flow="orders",kind="service",outcome="failed",stage="parse"} 1
serviceflow_stage_calls_total{flow="orders",kind="service",outcome="retried",stage="parse"} 2
serviceflow_stage_calls_total{flow="orders",kind="service",outcome="stopped",stage="parse"} 1
# HELP serviceflow_stage_latency_seconds Call latency of the stage, of the calls the runtime times (one in 8).
# TYPE serviceflow_stage_latency_seconds histogram
serviceflow_stage_latency_seconds_bucket{flow="orders",kind="service",stage="parse",le="0.001"} 2
serviceflow_stage_latency_seconds_bucket{flow="orders",kind="service",stage="parse",le="0.005"} 4
serviceflow_stage_latency_seconds_bucket{flow="orders",kind="service",stage="parse",le="+Inf"} 4
serviceflow_stage_latency_seconds_sum{flow="orders",kind="service",stage="parse"} 0.006
serviceflow_stage_latency_seconds_count{flow="orders",kind="service",stage="parse"} 4
# HELP serviceflow_up 1 while the flow runs (running, degraded, paused or draining), 0 once it stopped or failed.
# TYPE serviceflow_up gauge
serviceflow_up{flow="orders"} 1
# HELP serviceflow_state 1 for the flow's current state, 0 for the others.
# TYPE serviceflow_state gauge
serviceflow_state{flow="orders",state="DEGRADED"} 0
serviceflow_state{flow="orders",state="DRAINING"} 0
serviceflow_state{flow="orders",state="FAILED"} 0
serviceflow_state{flow="orders",state="PAUSED"} 1
serviceflow_state{flow="orders",state="RUNNING"} 0
serviceflow_state{flow="orders",state="STOPPED"} 0
`
	if err := testutil.CollectAndCompare(NewCollector(orders()), strings.NewReader(want),
		"serviceflow_inputs_admitted_total", "serviceflow_inputs_total", "serviceflow_input_lines_read_total",
		"serviceflow_input_lines_malformed_total", "serviceflow_stage_calls_total", "serviceflow_stage_latency_seconds",
		"serviceflow_up", "serviceflow_state"); err != nil {
		t.Fatal(err)
	}
}

// The conventions the issue names, checked on what a scrape returns:
// promlint finds nothing, no family is a precomputed rate or quantile, the
// label sets do not change with the flow's state, and the standard
// collectors are there.
func TestConventions(t *testing.T) {
	batched := orders()
	batched.Stages = append([]snapshot.Stage{{Name: "insert", Kind: snapshot.KindService,
		Batch: &snapshot.Batching{MaxSize: 100, Batches: 5, Inputs: 420, P99Size: 100, Full: 3, Wait: 1, Idle: 1}}}, batched.Stages...)
	for _, src := range []fixed{orders(), batched} {
		problems, err := testutil.CollectAndLint(NewCollector(src))
		if err != nil || len(problems) != 0 {
			t.Fatalf("promlint: %v %v", problems, err)
		}
	}
	families := func(src fixed) map[string]int {
		mfs, err := NewRegistry(src).Gather()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, mf := range mfs {
			out[mf.GetName()] = len(mf.GetMetric())
		}
		return out
	}
	running, stopped := orders(), orders()
	running.State, stopped.State = snapshot.Running, snapshot.Stopped
	a, b := families(running), families(stopped)
	for name, n := range a {
		if strings.Contains(name, "rate") || strings.Contains(name, "quantile") {
			t.Errorf("%s: a precomputed rate or quantile", name)
		}
		if strings.HasPrefix(name, "serviceflow_") && b[name] != n {
			t.Errorf("%s: %d series while running, %d once stopped: a label follows the state", name, n, b[name])
		}
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes"} {
		if a[name] == 0 {
			t.Errorf("standard metric %s missing", name)
		}
	}
}

func TestCollectorBatchedStage(t *testing.T) {
	src := fixed{Flow: "orders", Stages: []snapshot.Stage{
		{Name: "insert", Kind: snapshot.KindService, Batch: &snapshot.Batching{MaxSize: 100, Batches: 5, Inputs: 420, P99Size: 100, Full: 3, Wait: 1, Idle: 1}},
		{Name: "parse", Kind: snapshot.KindService},
	}}
	want := `
# HELP serviceflow_stage_batch_inputs_total Inputs carried by the calls of a batched stage.
# TYPE serviceflow_stage_batch_inputs_total counter
serviceflow_stage_batch_inputs_total{flow="orders",kind="service",stage="insert"} 420
# HELP serviceflow_stage_batch_size_p99 The 99th percentile size of a batched stage's recent batches.
# TYPE serviceflow_stage_batch_size_p99 gauge
serviceflow_stage_batch_size_p99{flow="orders",kind="service",stage="insert"} 100
# HELP serviceflow_stage_batches_total Calls of a batched stage by why the batch was sent: full, wait (its first input waited the stage's wait), idle (nothing else in flight could join it).
# TYPE serviceflow_stage_batches_total counter
serviceflow_stage_batches_total{flow="orders",kind="service",reason="full",stage="insert"} 3
serviceflow_stage_batches_total{flow="orders",kind="service",reason="idle",stage="insert"} 1
serviceflow_stage_batches_total{flow="orders",kind="service",reason="wait",stage="insert"} 1
`
	if err := testutil.CollectAndCompare(NewCollector(src), strings.NewReader(want),
		"serviceflow_stage_batches_total", "serviceflow_stage_batch_inputs_total", "serviceflow_stage_batch_size_p99"); err != nil {
		t.Error(err)
	}
}
