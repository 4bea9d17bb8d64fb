package stream

import (
	"math/rand/v2"
	"testing"
)

func TestOffsets(t *testing.T) {
	type step struct {
		start, done []int64
		next        int64 // commit point after the step; -1 for none
		inFlight    int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"nothing started", []step{{next: -1}}},
		{"started, none done", []step{{start: []int64{5, 6}, next: 5, inFlight: 2}}},
		{"in order", []step{
			{start: []int64{0, 1, 2}, done: []int64{0}, next: 1, inFlight: 2},
			{done: []int64{1, 2}, next: 3},
		}},
		{"out of order never skips", []step{
			{start: []int64{0, 1, 2, 3}, done: []int64{3, 1}, next: 0, inFlight: 2},
			{done: []int64{0}, next: 2, inFlight: 1},
			{done: []int64{2}, next: 4},
		}},
		{"gaps between offsets", []step{
			{start: []int64{10, 14, 20}, done: []int64{10, 20}, next: 14, inFlight: 1},
			{done: []int64{14}, next: 21},
		}},
		{"all done, then more started", []step{
			{start: []int64{1, 2}, done: []int64{1, 2}, next: 3},
			{start: []int64{7}, next: 7, inFlight: 1},
			{done: []int64{7}, next: 8},
		}},
		{"done twice or unknown is ignored", []step{
			{start: []int64{1, 2}, done: []int64{1, 1, 9}, next: 2, inFlight: 1},
		}},
		{"start not above the last is refused", []step{
			{start: []int64{5, 5, 3}, next: 5, inFlight: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o Offsets
			for i, s := range tt.steps {
				for _, off := range s.start {
					o.Start(Position{Partition: 2, Offset: off})
				}
				for _, off := range s.done {
					o.Done(Position{Partition: 2, Offset: off})
				}
				next, ok := o.Next(2)
				if s.next < 0 {
					if ok {
						t.Fatalf("step %d: commit point %d, want none", i, next)
					}
					continue
				}
				if !ok || next != s.next {
					t.Fatalf("step %d: commit point %d (%v), want %d", i, next, ok, s.next)
				}
				if n := o.InFlight(2); n != s.inFlight {
					t.Fatalf("step %d: in flight %d, want %d", i, n, s.inFlight)
				}
			}
		})
	}
}

func TestOffsetsPartitionsAreIndependent(t *testing.T) {
	var o Offsets
	o.Start(Position{0, 1})
	o.Start(Position{1, 1})
	o.Done(Position{1, 1})
	if m := o.Marks(); m[0] != 1 || m[1] != 2 {
		t.Fatalf("marks %v, want 0:1 1:2", m)
	}
	o.Drop(1)
	if o.Done(Position{1, 1}) {
		t.Fatal("Done on a dropped partition reported true")
	}
	if _, ok := o.Next(1); ok {
		t.Fatal("a dropped partition still has a commit point")
	}
}

// TestOffsetsRandomOrder finishes many records in a random order and checks
// after every step that the commit point is exactly the lowest unfinished
// offset: never past one, never behind what is provable.
func TestOffsetsRandomOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var o Offsets
	const n = 5000
	offs := make([]int64, n)
	for i := range offs {
		offs[i] = int64(3 * i) // with gaps
		o.Start(Position{0, offs[i]})
	}
	finished := make([]bool, n)
	lowest := 0
	for _, i := range r.Perm(n) {
		if !o.Done(Position{0, offs[i]}) {
			t.Fatalf("Done(%d) = false", offs[i])
		}
		finished[i] = true
		for lowest < n && finished[lowest] {
			lowest++
		}
		want := offs[n-1] + 1
		if lowest < n {
			want = offs[lowest]
		}
		if next, _ := o.Next(0); next != want {
			t.Fatalf("after finishing %d: commit point %d, want %d", offs[i], next, want)
		}
	}
}

// TestOffsetsCommitCounts: Commit covers only finished records below the
// commit point, counts each once, and Drop returns the uncommitted rest.
func TestOffsetsCommitCounts(t *testing.T) {
	var o Offsets
	for _, off := range []int64{10, 14, 20, 21} { // gaps between offsets
		o.Start(Position{3, off})
	}
	o.Done(Position{3, 10})
	o.Done(Position{3, 20})
	if n := o.Committable(); n != 1 {
		t.Fatalf("committable %d, want 1 (20 waits behind 14)", n)
	}
	next, _ := o.Next(3)
	if n := o.Commit(3, next); n != 1 || next != 14 {
		t.Fatalf("Commit(3, %d) = %d, want 14 and 1", next, n)
	}
	if n := o.Commit(3, next); n != 0 {
		t.Fatalf("committing the same point again = %d, want 0", n)
	}
	o.Done(Position{3, 14})
	if n := o.Committable(); n != 2 {
		t.Fatalf("committable %d, want 2 (14 and 20)", n)
	}
	if n := o.Commit(3, 100); n != 2 {
		t.Fatalf("Commit past the commit point = %d, want 2: never an unfinished record", n)
	}
	if next, _ := o.Next(3); next != 21 {
		t.Fatalf("commit point %d, want 21", next)
	}
	o.Start(Position{3, 30})
	if n := o.Drop(3); n != 2 {
		t.Fatalf("Drop = %d, want 2 uncommitted (21, 30)", n)
	}
	if n := o.Commit(3, 100) + o.Committable(); n != 0 {
		t.Fatalf("a dropped partition still counts %d", n)
	}
}
