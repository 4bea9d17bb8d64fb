package snapshot

import (
	"reflect"
	"testing"
)

// An Intake's Partitions show in the snapshots of Wrap, and nil removes them.
func TestIntakePartitions(t *testing.T) {
	var in Intake
	src := in.Wrap(stub{Snapshot{Flow: "f"}})
	if got := src.Snapshot().Partitions; got != nil {
		t.Fatalf("partitions before any: %v", got)
	}
	want := []Partition{{Name: "t/0", Committed: 4, High: 10, Lag: 6}, {Name: "t/1", Committed: -1, High: -1}}
	in.Partitions(func() []Partition { return want })
	if got := src.Snapshot().Partitions; !reflect.DeepEqual(got, want) {
		t.Fatalf("partitions = %v, want %v", got, want)
	}
	if n := TotalLag(want); n != 6 {
		t.Fatalf("TotalLag = %d, want 6", n)
	}
	in.Partitions(nil)
	if got := src.Snapshot().Partitions; got != nil {
		t.Fatalf("partitions after nil: %v", got)
	}
}
