package snapshot

// Partition is one partition (of a Kafka topic, say) that the flow's source
// owns, and how far the flow is behind in it. Offsets are the broker's; -1
// means not known yet.
type Partition struct {
	Name      string `json:"name"`      // e.g. "orders/3" (topic/partition)
	Committed int64  `json:"committed"` // the offset committed last; -1 for none yet
	High      int64  `json:"high"`      // the high watermark at the last fetch; -1 if not fetched yet
	Lag       int64  `json:"lag"`       // records of the partition not done yet (to High)
}

// Partitions makes the snapshots of Wrap list the partitions that owned
// returns, called once per snapshot (it must be safe for concurrent use and
// quick). nil stops listing them. Safe to call while snapshots are taken.
func (in *Intake) Partitions(owned func() []Partition) {
	if owned == nil {
		in.partitions.Store(nil)
		return
	}
	in.partitions.Store(&owned)
}

// owned is what the function given to Partitions returns; nil for none.
func (in *Intake) owned() []Partition {
	if f := in.partitions.Load(); f != nil {
		return (*f)()
	}
	return nil
}

// TotalLag is the sum of the partitions' lag.
func TotalLag(ps []Partition) int64 {
	var n int64
	for _, p := range ps {
		n += p.Lag
	}
	return n
}
