package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/serviceflow/serviceflow/snapshot"
)

// The flow's broker connections (snapshot.Snapshot.Connections): 1 while
// the broker answers, 0 while it is lost and retried (the flow is
// DEGRADED), and the outages so far. A source or sink without a broker (a
// file) has no series.
var (
	sourceUp = prometheus.NewDesc("serviceflow_source_up",
		"1 while the broker of the flow's source answers, 0 while it is lost (retried with backoff; inputs wait).",
		[]string{"flow"}, nil)
	sinkUp = prometheus.NewDesc("serviceflow_sink_up",
		"1 while the broker of a sink of the flow answers, 0 while it is lost (retried with backoff; results wait).",
		[]string{"flow", "sink"}, nil)
	brokerLost = prometheus.NewDesc("serviceflow_broker_lost_total",
		"Times a broker connection of the flow was lost.",
		[]string{"flow", "connection"}, nil)
)

// collectConnections sends the series of s's connections.
func collectConnections(ch chan<- prometheus.Metric, s snapshot.Snapshot) {
	for _, c := range s.Connections {
		up := 0.0
		if c.Up {
			up = 1
		}
		if c.Name == "in" {
			ch <- prometheus.MustNewConstMetric(sourceUp, prometheus.GaugeValue, up, s.Flow)
		} else {
			ch <- prometheus.MustNewConstMetric(sinkUp, prometheus.GaugeValue, up, s.Flow, c.Name)
		}
		ch <- prometheus.MustNewConstMetric(brokerLost, prometheus.CounterValue, float64(c.Lost), s.Flow, c.Name)
	}
}
