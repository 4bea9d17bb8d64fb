package stream

import (
	"errors"
	"io"
	"testing"
)

// A Link is up until Lost, says why while lost, and counts each outage once
// however many failures it sees.
func TestLink(t *testing.T) {
	var l Link
	if err := l.Health(); err != nil {
		t.Fatalf("a zero Link: %v", err)
	}
	if _, was := l.Back(); was {
		t.Fatal("Back on a Link that was up says it was lost")
	}
	if !l.Lost(io.EOF) {
		t.Fatal("the first Lost is not first")
	}
	if l.Lost(io.ErrUnexpectedEOF) {
		t.Fatal("a second Lost in the same outage is first")
	}
	err := l.Health()
	if !errors.Is(err, ErrBrokerLost) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Health = %v, want ErrBrokerLost and the latest cause", err)
	}
	if _, was := l.Back(); !was {
		t.Fatal("Back after Lost says it was up")
	}
	if err := l.Health(); err != nil {
		t.Fatalf("Health after Back: %v", err)
	}
	l.Lost(io.EOF)
	if n, _ := l.Outages(); n != 2 {
		t.Fatalf("Outages = %d, want 2", n)
	}
}
