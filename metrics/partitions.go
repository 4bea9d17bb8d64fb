package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/serviceflow/serviceflow/snapshot"
)

// The source's partitions (snapshot.Snapshot.Partitions), one series per
// partition it owns: a partition that moves to another consumer leaves this
// process's series, and the group's lag is the sum over its processes.
var (
	partitionLag = prometheus.NewDesc("serviceflow_source_partition_lag",
		"Records of a partition the flow's source owns that are not done yet, to the high watermark of its last fetch.",
		[]string{"flow", "partition"}, nil)
	partitionCommitted = prometheus.NewDesc("serviceflow_source_partition_committed_offset",
		"The offset the flow's source committed last for a partition it owns (absent before its first commit).",
		[]string{"flow", "partition"}, nil)
)

// collectPartitions sends the series of s's partitions.
func collectPartitions(ch chan<- prometheus.Metric, s snapshot.Snapshot) {
	for _, p := range s.Partitions {
		ch <- prometheus.MustNewConstMetric(partitionLag, prometheus.GaugeValue, float64(p.Lag), s.Flow, p.Name)
		if p.Committed >= 0 {
			ch <- prometheus.MustNewConstMetric(partitionCommitted, prometheus.GaugeValue, float64(p.Committed), s.Flow, p.Name)
		}
	}
}
