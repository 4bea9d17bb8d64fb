package cli

import (
	"strconv"

	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/stream"
	"github.com/serviceflow/serviceflow/stream/jetstream"
	"github.com/serviceflow/serviceflow/stream/kafka"
)

// sourcePartitions is what the snapshots of a run over src list as its
// partitions (see snapshot.Intake.Partitions): a Kafka source's, named by
// partition number, with their commit point and lag; a JetStream source's
// durable consumer, named STREAM/DURABLE, with its ack floor, the stream's
// last sequence and the messages not done (from the source's poll, once a
// second); nil for a source without partitions (a file, stdin).
func sourcePartitions(src stream.Source) func() []snapshot.Partition {
	if j, ok := src.(*jetstream.Source); ok {
		return func() []snapshot.Partition {
			l := j.Lag()
			return []snapshot.Partition{{Name: l.Name, Committed: l.AckFloor, High: l.Last, Lag: l.Pending}}
		}
	}
	k, ok := src.(*kafka.Source)
	if !ok {
		return nil
	}
	return func() []snapshot.Partition {
		owned := k.Partitions()
		ps := make([]snapshot.Partition, 0, len(owned))
		for _, p := range owned {
			ps = append(ps, snapshot.Partition{
				Name:      strconv.Itoa(int(p.ID)),
				Committed: p.Committed,
				High:      p.High,
				Lag:       p.Lag,
			})
		}
		return ps
	}
}

// consumerState describes a JetStream source's durable consumer at the end
// of a run, for the summary: consumer=STREAM/DURABLE lag=N (the messages
// not done, as the source's last poll at Close found them). "" for other
// sources. Call it after the source's Close.
func consumerState(src stream.Source) string {
	j, ok := src.(*jetstream.Source)
	if !ok {
		return ""
	}
	l := j.Lag()
	if l.Polled.IsZero() {
		return "consumer=" + l.Name
	}
	return "consumer=" + l.Name + " lag=" + strconv.FormatInt(l.Pending, 10)
}
