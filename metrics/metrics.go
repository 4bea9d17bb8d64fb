// Package metrics exports a running flow's snapshot as Prometheus metrics,
// following Prometheus' conventions: counters that only grow (rates are
// rate()'s job, so there are no rate gauges), outcome labels that sum to the
// whole, latency as a real histogram, and labels whose values do not change
// while the flow runs. It reads a snapshot on each scrape, so it costs the
// flow nothing between scrapes.
//
// The families, each labelled flow= (and stage= and kind= for a stage's):
//
//	serviceflow_inputs_admitted_total            inputs accepted by Submit
//	serviceflow_inputs_total{outcome}            finished inputs: done, stopped, failed (sum: all finished)
//	serviceflow_inputs_in_flight                 admitted, not yet finished (gauge)
//	serviceflow_inputs_max_in_flight             the bound on inputs in flight (gauge)
//	serviceflow_retries_total                    retries scheduled
//	serviceflow_dead_letters_evicted_total       dead letters dropped from the bounded store
//	serviceflow_input_lines_read_total           records read by the program feeding the flow
//	serviceflow_input_lines_malformed_total      of those, the ones it could not decode
//	serviceflow_stage_received_total             contexts delivered to the stage
//	serviceflow_stage_calls_total{outcome}       finished calls: done, stopped, retried, failed (sum: all calls)
//	serviceflow_stage_restarts_total             restarts of the stage's actors
//	serviceflow_stage_mailbox                    contexts waiting in its mailbox (gauge)
//	serviceflow_stage_latency_seconds            call latency histogram (services only)
//	serviceflow_stage_batches_total{reason}      a batched stage's calls by why the batch went: full, wait, idle
//	serviceflow_stage_batch_inputs_total         inputs those calls carried (mean size: the ratio of the rates)
//	serviceflow_stage_batch_size_p99             p99 size of its recent batches (gauge)
//	serviceflow_source_partition_lag{partition}  records of an owned partition not done yet (gauge)
//	serviceflow_source_partition_committed_offset{partition}  the offset committed last for it (gauge)
//	serviceflow_source_up                        1 while the source's broker answers, 0 while it is lost (gauge)
//	serviceflow_sink_up{sink}                    the same for a sink's: out, dead-letters (gauge)
//	serviceflow_broker_lost_total{connection}    times a broker connection was lost: in, out, dead-letters
//	serviceflow_up                               1 while the flow runs, 0 once it stopped or failed
//	serviceflow_state{state}                     1 for the flow's state, 0 for the five others
//
// The latency histogram holds the calls the runtime times (one in 8, see
// actors.Runtime.Snapshot): its _count counts those, so use
// serviceflow_stage_calls_total for call rates and _sum/_count or
// histogram_quantile for latency. A call is counted on the right side of
// each le bound unless it lies within 1.6% of it.
//
// For a batched stage, serviceflow_stage_calls_total counts each input's
// outcome (a call carries many), and every batch call is timed.
//
// The lines counters stay 0 unless the Source counts what its program reads
// (snapshot.Intake), and the partition families are there only while it
// lists partitions (snapshot.Intake.Partitions: a Kafka source's, a
// JetStream consumer's), the connection families only while it lists broker
// connections (snapshot.Intake.Connections). NewRegistry adds the standard go_* and process_*
// collectors:
//
//	reg := metrics.NewRegistry(rt) // rt: *actors.Runtime
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// Serve it on an address you choose (e.g. 127.0.0.1:9090), with timeouts, or
// use Listen; never use protoactor's WithDefaultPrometheusProvider, which
// listens on every interface.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

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

	admitted, inputs, inFlight, maxInFlight, retries, evicted *prometheus.Desc
	linesRead, linesMalformed                                 *prometheus.Desc
	received, calls, restarts, mailbox, latency               *prometheus.Desc
	batches, batchInputs, batchSize                           *prometheus.Desc
	up, state                                                 *prometheus.Desc
}

var _ prometheus.Collector = (*Collector)(nil)

// states are every value serviceflow_state takes, so each is always present.
var states = []snapshot.State{snapshot.Running, snapshot.Degraded, snapshot.Paused, snapshot.Draining, snapshot.Stopped, snapshot.Failed}

// NewCollector returns a collector reading src on each scrape.
func NewCollector(src Source) *Collector {
	flow := []string{"flow"}
	stage := []string{"flow", "stage", "kind"}
	d := prometheus.NewDesc
	return &Collector{
		src:            src,
		admitted:       d("serviceflow_inputs_admitted_total", "Inputs accepted by Submit.", flow, nil),
		inputs:         d("serviceflow_inputs_total", "Finished inputs by outcome (done, stopped, failed); they sum to all finished inputs.", append(flow, "outcome"), nil),
		inFlight:       d("serviceflow_inputs_in_flight", "Inputs admitted and not yet finished.", flow, nil),
		maxInFlight:    d("serviceflow_inputs_max_in_flight", "The bound on inputs in flight.", flow, nil),
		retries:        d("serviceflow_retries_total", "Retries scheduled (an input may retry several times).", flow, nil),
		evicted:        d("serviceflow_dead_letters_evicted_total", "Dead letters dropped from the bounded store.", flow, nil),
		linesRead:      d("serviceflow_input_lines_read_total", "Records read by the program feeding the flow (0 unless it counts them).", flow, nil),
		linesMalformed: d("serviceflow_input_lines_malformed_total", "Records read that could not be decoded, and so were not submitted.", flow, nil),
		received:       d("serviceflow_stage_received_total", "Contexts delivered to the stage.", stage, nil),
		calls:          d("serviceflow_stage_calls_total", "Finished calls of the stage by outcome (done, stopped, retried, failed); they sum to all its calls.", append(stage, "outcome"), nil),
		restarts:       d("serviceflow_stage_restarts_total", "Restarts of the stage's actors.", stage, nil),
		mailbox:        d("serviceflow_stage_mailbox", "Contexts waiting in the stage's mailbox.", stage, nil),
		latency:        d("serviceflow_stage_latency_seconds", "Call latency of the stage, of the calls the runtime times (one in 8).", stage, nil),
		batches:        d("serviceflow_stage_batches_total", "Calls of a batched stage by why the batch was sent: full, wait (its first input waited the stage's wait), idle (nothing else in flight could join it).", append(stage, "reason"), nil),
		batchInputs:    d("serviceflow_stage_batch_inputs_total", "Inputs carried by the calls of a batched stage.", stage, nil),
		batchSize:      d("serviceflow_stage_batch_size_p99", "The 99th percentile size of a batched stage's recent batches.", stage, nil),
		up:             d("serviceflow_up", "1 while the flow runs (running, degraded, paused or draining), 0 once it stopped or failed.", flow, nil),
		state:          d("serviceflow_state", "1 for the flow's current state, 0 for the others.", append(flow, "state"), nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		c.admitted, c.inputs, c.inFlight, c.maxInFlight, c.retries, c.evicted, c.linesRead, c.linesMalformed,
		c.received, c.calls, c.restarts, c.mailbox, c.latency, c.batches, c.batchInputs, c.batchSize, c.up, c.state,
		partitionLag, partitionCommitted, sourceUp, sinkUp, brokerLost,
	} {
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
	t := s.Totals
	counter(c.admitted, t.Admitted, s.Flow)
	counter(c.inputs, t.Done, s.Flow, "done")
	counter(c.inputs, t.Stopped, s.Flow, "stopped")
	counter(c.inputs, t.Failed, s.Flow, "failed")
	gauge(c.inFlight, float64(t.InFlight), s.Flow)
	gauge(c.maxInFlight, float64(s.MaxInFlight), s.Flow)
	counter(c.retries, t.Retried, s.Flow)
	counter(c.evicted, s.Evicted, s.Flow)
	counter(c.linesRead, t.Read, s.Flow)
	counter(c.linesMalformed, t.Malformed, s.Flow)
	collectPartitions(ch, s)
	collectConnections(ch, s)

	for _, st := range s.Stages {
		if st.Kind == snapshot.KindSink {
			continue
		}
		l := []string{s.Flow, st.Name, string(st.Kind)}
		counter(c.received, st.Received, l...)
		counter(c.calls, st.Done, append(l, "done")...)
		counter(c.calls, st.Stopped, append(l, "stopped")...)
		counter(c.calls, st.Retried, append(l, "retried")...)
		counter(c.calls, st.Failed, append(l, "failed")...)
		counter(c.restarts, st.Restarts, l...)
		gauge(c.mailbox, float64(st.Mailbox), l...)
		if st.Kind == snapshot.KindService && st.Latency.Buckets != nil {
			ch <- histogram(c.latency, st.Latency, l)
		}
		if b := st.Batch; b != nil {
			counter(c.batches, b.Full, append(l, "full")...)
			counter(c.batches, b.Wait, append(l, "wait")...)
			counter(c.batches, b.Idle, append(l, "idle")...)
			counter(c.batchInputs, b.Inputs, l...)
			gauge(c.batchSize, float64(b.P99Size), l...)
		}
	}

	up := 1.0
	if s.State == snapshot.Failed || s.State == snapshot.Stopped {
		up = 0
	}
	gauge(c.up, up, s.Flow)
	for _, st := range states {
		v := 0.0
		if s.State == st {
			v = 1
		}
		gauge(c.state, v, s.Flow, string(st))
	}
}

// histogram is h as a constant Prometheus histogram in seconds.
func histogram(d *prometheus.Desc, h snapshot.Histogram, labels []string) prometheus.Metric {
	buckets := make(map[float64]uint64, len(h.Buckets))
	for _, b := range h.Buckets {
		buckets[b.Le.Seconds()] = b.Count
	}
	return prometheus.MustNewConstHistogram(d, h.Count, h.Sum.Seconds(), buckets, labels...)
}

// NewRegistry returns a registry holding src's collector and the standard Go
// runtime (go_*) and process (process_*) collectors: what a /metrics
// endpoint of a flow serves.
func NewRegistry(src Source) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		NewCollector(src),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}
