package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/serviceflow/serviceflow/snapshot"
)

// The broker connections are exported as up gauges (the source's, each
// sink's) and a count of outages, and pass promlint.
func TestCollectorConnections(t *testing.T) {
	src := orders()
	src.Connections = []snapshot.Connection{{Name: "in", Err: "broker lost: eof", Lost: 2}, {Name: "out", Up: true, Lost: 1}}
	want := `
# HELP serviceflow_broker_lost_total Times a broker connection of the flow was lost.
# TYPE serviceflow_broker_lost_total counter
serviceflow_broker_lost_total{connection="in",flow="orders"} 2
serviceflow_broker_lost_total{connection="out",flow="orders"} 1
# HELP serviceflow_sink_up 1 while the broker of a sink of the flow answers, 0 while it is lost (retried with backoff; results wait).
# TYPE serviceflow_sink_up gauge
serviceflow_sink_up{flow="orders",sink="out"} 1
# HELP serviceflow_source_up 1 while the broker of the flow's source answers, 0 while it is lost (retried with backoff; inputs wait).
# TYPE serviceflow_source_up gauge
serviceflow_source_up{flow="orders"} 0
`
	if err := testutil.CollectAndCompare(NewCollector(src), strings.NewReader(want),
		"serviceflow_source_up", "serviceflow_sink_up", "serviceflow_broker_lost_total"); err != nil {
		t.Error(err)
	}
	problems, err := testutil.CollectAndLint(NewCollector(src))
	if err != nil || len(problems) != 0 {
		t.Fatalf("promlint: %v %v", problems, err)
	}
	if n := testutil.CollectAndCount(NewCollector(orders()), "serviceflow_source_up"); n != 0 {
		t.Errorf("%d source_up series for a flow without broker connections", n)
	}
}
