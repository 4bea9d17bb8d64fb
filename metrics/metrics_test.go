package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/serviceflow/serviceflow/snapshot"
)

type fixed snapshot.Snapshot

func (f fixed) Snapshot() snapshot.Snapshot { return snapshot.Snapshot(f) }

func TestCollector(t *testing.T) {
	src := fixed{
		Flow: "orders", State: snapshot.Running, MaxInFlight: 64,
		Totals: snapshot.Totals{Admitted: 10, Done: 7, Stopped: 1, Failed: 1, InFlight: 1, Retried: 2},
		Stages: []snapshot.Stage{
			{Name: "parse", Kind: snapshot.KindService, Received: 10, Done: 9, Failed: 1, Restarts: 2, Mailbox: 3, P50: time.Millisecond, P99: 4 * time.Millisecond, InRate: 5},
			{Name: "results", Kind: snapshot.KindSink},
		},
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(NewCollector(src))
	want := `
# HELP serviceflow_inputs_total Inputs by outcome: admitted, done, stopped, failed, retried.
# TYPE serviceflow_inputs_total counter
serviceflow_inputs_total{flow="orders",outcome="admitted"} 10
serviceflow_inputs_total{flow="orders",outcome="done"} 7
serviceflow_inputs_total{flow="orders",outcome="failed"} 1
serviceflow_inputs_total{flow="orders",outcome="retried"} 2
serviceflow_inputs_total{flow="orders",outcome="stopped"} 1
# HELP serviceflow_stage_events_total Contexts by stage and outcome: received, done, stopped, retried, failed, restarts.
# TYPE serviceflow_stage_events_total counter
serviceflow_stage_events_total{event="done",flow="orders",kind="service",stage="parse"} 9
serviceflow_stage_events_total{event="failed",flow="orders",kind="service",stage="parse"} 1
serviceflow_stage_events_total{event="received",flow="orders",kind="service",stage="parse"} 10
serviceflow_stage_events_total{event="restarts",flow="orders",kind="service",stage="parse"} 2
serviceflow_stage_events_total{event="retried",flow="orders",kind="service",stage="parse"} 0
serviceflow_stage_events_total{event="stopped",flow="orders",kind="service",stage="parse"} 0
# HELP serviceflow_stage_latency_seconds Recent call latency of the stage.
# TYPE serviceflow_stage_latency_seconds gauge
serviceflow_stage_latency_seconds{flow="orders",kind="service",quantile="0.5",stage="parse"} 0.001
serviceflow_stage_latency_seconds{flow="orders",kind="service",quantile="0.99",stage="parse"} 0.004
`
	if err := testutil.CollectAndCompare(NewCollector(src), strings.NewReader(want),
		"serviceflow_inputs_total", "serviceflow_stage_events_total", "serviceflow_stage_latency_seconds"); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg); err != nil || n != 19 {
		t.Fatalf("gathered %d metrics, err %v", n, err)
	}
}
