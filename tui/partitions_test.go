package tui

import (
	"bytes"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/snapshot"
)

// The header and the plain progress line show each owned partition's lag,
// and nothing when the source owns none.
func TestPartitionsShowTheirLag(t *testing.T) {
	t.Parallel()
	snap := fixture()
	snap.Partitions = []snapshot.Partition{{Name: "0", Committed: 10, High: 22, Lag: 12}, {Name: "1", Committed: 5, High: 5}}
	m := fixtureModel(snap, 160, 40)
	if h := strings.Join(m.header(160), "\n"); !strings.Contains(h, "lag 12 (0:12 1:0)") {
		t.Errorf("header lacks the partitions' lag:\n%s", h)
	}
	var out bytes.Buffer
	if err := newPlainLog(&out, plainEvery).step(snap, t0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), " partition_lag=0:12,1:0") {
		t.Errorf("plain progress lacks partition_lag:\n%s", out.String())
	}

	snap.Partitions = nil
	m = fixtureModel(snap, 160, 40)
	if h := strings.Join(m.header(160), "\n"); strings.Contains(h, "lag") {
		t.Errorf("header of a source without partitions shows lag:\n%s", h)
	}
	out.Reset()
	if err := newPlainLog(&out, plainEvery).step(snap, t0); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "partition_lag") {
		t.Errorf("plain progress of a source without partitions:\n%s", out.String())
	}
}

// A long partition list is cut, and says how many it left out.
func TestPartitionLagsCut(t *testing.T) {
	t.Parallel()
	ps := make([]snapshot.Partition, maxPartitionsShown+3)
	for i := range ps {
		ps[i].Name = itoa(i)
	}
	got := partitionLags(ps, ",")
	if !strings.HasSuffix(got, ",15:0,+3 more") {
		t.Errorf("partitionLags = %q", got)
	}
}
