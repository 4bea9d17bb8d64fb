// Package metrics exports a running flow's snapshot as Prometheus metrics:
// per-stage counters, mailbox depth and latency quantiles, flow totals and
// restarts. It reads snapshots on each scrape, so it costs the flow nothing
// between scrapes.
//
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(metrics.NewCollector(rt)) // rt: *actors.Runtime
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// Serve it on an address you choose (e.g. 127.0.0.1:9090), with timeouts;
// never use protoactor's WithDefaultPrometheusProvider, which listens on
// every interface.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/serviceflow/serviceflow/snapshot"
)

// Source is anything that produces snapshots: *actors.Runtime, or a client
// attached to a remote flow.
type Source interface {
	Snapshot() snapshot.Snapshot
}

// Collector is a prometheus.Collector over a Source. It is safe for
// concurrent scrapes.
type Collector struct {
	src Source

	stageCount, stageMailbox, stageLatency, stageRate *prometheus.Desc
	totals, inFlight, maxInFlight, up                 *prometheus.Desc
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns a collector reading src on each scrape.
func NewCollector(src Source) *Collector {
	stage := []string{"flow", "stage", "kind"}
	return &Collector{
		src:          src,
		stageCount:   prometheus.NewDesc("serviceflow_stage_events_total", "Contexts by stage and outcome: received, done, stopped, retried, failed, restarts.", append(stage, "event"), nil),
		stageMailbox: prometheus.NewDesc("serviceflow_stage_mailbox", "Contexts waiting in the stage's mailbox.", stage, nil),
		stageLatency: prometheus.NewDesc("serviceflow_stage_latency_seconds", "Recent call latency of the stage.", append(stage, "quantile"), nil),
		stageRate:    prometheus.NewDesc("serviceflow_stage_rate", "Recent contexts per second received (in) and finished (out).", append(stage, "direction"), nil),
		totals:       prometheus.NewDesc("serviceflow_inputs_total", "Inputs by outcome: admitted, done, stopped, failed, retried.", []string{"flow", "outcome"}, nil),
		inFlight:     prometheus.NewDesc("serviceflow_inputs_in_flight", "Inputs admitted and not yet finished.", []string{"flow"}, nil),
		maxInFlight:  prometheus.NewDesc("serviceflow_inputs_max_in_flight", "The bound on inputs in flight.", []string{"flow"}, nil),
		up:           prometheus.NewDesc("serviceflow_up", "1 while the flow runs, 0 once it failed or stopped.", []string{"flow", "state"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.stageCount, c.stageMailbox, c.stageLatency, c.stageRate, c.totals, c.inFlight, c.maxInFlight, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Snapshot()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, st := range s.Stages {
		if st.Kind == snapshot.KindSink {
			continue
		}
		l := []string{s.Flow, st.Name, string(st.Kind)}
		for _, e := range []struct {
			name string
			v    uint64
		}{{"received", st.Received}, {"done", st.Done}, {"stopped", st.Stopped}, {"retried", st.Retried}, {"failed", st.Failed}, {"restarts", st.Restarts}} {
			counter(c.stageCount, e.v, append(l, e.name)...)
		}
		gauge(c.stageMailbox, float64(st.Mailbox), l...)
		gauge(c.stageLatency, st.P50.Seconds(), append(l, "0.5")...)
		gauge(c.stageLatency, st.P99.Seconds(), append(l, "0.99")...)
		gauge(c.stageRate, st.InRate, append(l, "in")...)
		gauge(c.stageRate, st.OutRate, append(l, "out")...)
	}
	t := s.Totals
	for _, e := range []struct {
		name string
		v    uint64
	}{{"admitted", t.Admitted}, {"done", t.Done}, {"stopped", t.Stopped}, {"failed", t.Failed}, {"retried", t.Retried}} {
		counter(c.totals, e.v, s.Flow, e.name)
	}
	gauge(c.inFlight, float64(t.InFlight), s.Flow)
	gauge(c.maxInFlight, float64(s.MaxInFlight), s.Flow)
	up := 1.0
	if s.State == snapshot.Failed || s.State == snapshot.Stopped {
		up = 0
	}
	gauge(c.up, up, s.Flow, string(s.State))
}
