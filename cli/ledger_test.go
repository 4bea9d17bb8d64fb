package cli

import (
	"slices"
	"testing"
)

// TestLedger puts inputs whose ring slots collide (an input still in
// flight when its slot comes round again) and takes them back in another
// order: each is found once, under its own ID.
func TestLedger(t *testing.T) {
	var l ledger
	ids := []uint64{1, 2, 1 + ledgerRing, 3, 1 + 2*ledgerRing, 2 + ledgerRing}
	for i, id := range ids {
		l.put(id, inFlight{line: 10 * (len(ids) - i)})
	}
	want := slices.Clone(ids)
	slices.Reverse(want) // lines run backwards
	if got := l.ids(); !slices.Equal(got, want) {
		t.Fatalf("ids %v, want %v (by line)", got, want)
	}
	for _, i := range []int{2, 0, 5, 4, 1, 3} {
		in, ok := l.take(ids[i])
		if !ok || in.line != 10*(len(ids)-i) {
			t.Fatalf("take(%d) = %+v, %v; want line %d", ids[i], in, ok, 10*(len(ids)-i))
		}
		if _, again := l.take(ids[i]); again {
			t.Fatalf("take(%d) found it twice", ids[i])
		}
	}
	if got := l.ids(); len(got) != 0 || l.count != 0 {
		t.Fatalf("left %v (count %d)", got, l.count)
	}
	if _, ok := l.take(7); ok {
		t.Fatal("took an ID never put")
	}
}
