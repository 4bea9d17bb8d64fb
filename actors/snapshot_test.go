package actors

import (
	"context"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

// The snapshot carries each service's histogram: one timed call in
// sampleEvery, whatever the calls took.
func TestSnapshotCarriesTheLatencyHistogram(t *testing.T) {
	f := flow.New(flow.Func("work", func(context.Context, *flow.Context) error { return nil }))
	rt, err := Start(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	go func() {
		for range n {
			if err := rt.Submit(context.Background(), map[string]any{}); err != nil {
				return
			}
		}
	}()
	for range n {
		<-rt.Results()
	}
	s := rt.Snapshot()
	if err := rt.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := s.Stages[0]
	if st.Name != "work" || st.Latency.Count != (n+sampleEvery-1)/sampleEvery || len(st.Latency.Buckets) != len(promBounds) {
		t.Fatalf("stage %s: latency %+v, want %d timed calls", st.Name, st.Latency, (n+sampleEvery-1)/sampleEvery)
	}
	if last := st.Latency.Buckets[len(st.Latency.Buckets)-1]; last.Count > st.Latency.Count {
		t.Fatalf("the last bucket counts %d of %d", last.Count, st.Latency.Count)
	}
	if sink := s.Stages[len(s.Stages)-1]; sink.Latency.Count != 0 || sink.Latency.Buckets != nil {
		t.Fatalf("the sink has a latency histogram: %+v", sink.Latency)
	}
}

// Once drained, the flow and each of its stages say stopped.
func TestDrainedStagesAreStopped(t *testing.T) {
	rt, err := Start(context.Background(), flow.New(flow.Func("work", func(context.Context, *flow.Context) error { return nil })))
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := rt.Snapshot()
	if s.State != snapshot.Stopped {
		t.Fatalf("state %s", s.State)
	}
	for _, st := range s.Stages {
		if st.State != snapshot.StageStopped {
			t.Errorf("stage %s is %s once the flow stopped", st.Name, st.State)
		}
	}
}

// A stage's InFlight counts the context it is running, not only those
// queued behind it.
func TestStageInFlightCountsTheRunningCall(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	f := flow.New(flow.Func("hold", func(context.Context, *flow.Context) error {
		entered <- struct{}{}
		<-release
		return nil
	}))
	rt, err := Start(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Submit(context.Background(), map[string]any{}); err != nil {
		t.Fatal(err)
	}
	<-entered
	st := rt.Snapshot().Stages[0]
	close(release)
	<-rt.Results()
	if err := rt.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.InFlight != 1 || st.Mailbox != 0 {
		t.Fatalf("while its call runs: in flight %d, mailbox %d; want 1 and 0", st.InFlight, st.Mailbox)
	}
	if after := rt.Snapshot().Stages[0]; after.InFlight != 0 {
		t.Fatalf("after the call: in flight %d", after.InFlight)
	}
}
