package tui

import (
	"strconv"
	"strings"

	"github.com/serviceflow/serviceflow/snapshot"
)

// maxPartitionsShown bounds how many partitions a line lists; the rest are
// counted ("+5 more"), with their lag in the total.
const maxPartitionsShown = 16

// partitionLags is the source's partitions and the lag of each, as
// "name:lag" joined by sep ("0:12,1:0"); "" when it owns none.
func partitionLags(ps []snapshot.Partition, sep string) string {
	var b strings.Builder
	for i, p := range ps {
		if i == maxPartitionsShown {
			b.WriteString(sep + "+" + strconv.Itoa(len(ps)-i) + " more")
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(clean(p.Name, maxName) + ":" + strconv.FormatInt(p.Lag, 10))
	}
	return b.String()
}

// partitionsField adds the plain renderer's partition_lag=0:12,1:0 field,
// when the source owns partitions.
func partitionsField(b *strings.Builder, s snapshot.Snapshot) {
	if len(s.Partitions) > 0 {
		kv(b, "partition_lag", partitionLags(s.Partitions, ","))
	}
}

// partitionsHeader is the header's "  lag 12 (0:12 1:0)", when the source
// owns partitions.
func (m model) partitionsHeader() string {
	ps := m.snap.Partitions
	if len(ps) == 0 {
		return ""
	}
	total := snapshot.TotalLag(ps)
	style := m.st.ok
	if total > 0 {
		style = m.st.warn
	}
	return "  lag " + m.st.r(style, strconv.FormatInt(total, 10)) + " (" + partitionLags(ps, " ") + ")"
}
