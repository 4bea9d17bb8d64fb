package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/serviceflow/serviceflow/snapshot"
)

// The source's partitions are exported as a lag and a committed offset per
// partition (none before its first commit), and pass promlint.
func TestCollectorPartitions(t *testing.T) {
	src := orders()
	src.Partitions = []snapshot.Partition{{Name: "0", Committed: 40, High: 52, Lag: 12}, {Name: "1", Committed: -1, High: 7, Lag: 7}}
	want := `
# HELP serviceflow_source_partition_committed_offset The offset the flow's source committed last for a partition it owns (absent before its first commit).
# TYPE serviceflow_source_partition_committed_offset gauge
serviceflow_source_partition_committed_offset{flow="orders",partition="0"} 40
# HELP serviceflow_source_partition_lag Records of a partition the flow's source owns that are not done yet, to the high watermark of its last fetch.
# TYPE serviceflow_source_partition_lag gauge
serviceflow_source_partition_lag{flow="orders",partition="0"} 12
serviceflow_source_partition_lag{flow="orders",partition="1"} 7
`
	if err := testutil.CollectAndCompare(NewCollector(src), strings.NewReader(want),
		"serviceflow_source_partition_lag", "serviceflow_source_partition_committed_offset"); err != nil {
		t.Error(err)
	}
	problems, err := testutil.CollectAndLint(NewCollector(src))
	if err != nil || len(problems) != 0 {
		t.Fatalf("promlint: %v %v", problems, err)
	}
	if n := testutil.CollectAndCount(NewCollector(orders()), "serviceflow_source_partition_lag"); n != 0 {
		t.Errorf("%d lag series for a source without partitions", n)
	}
}
