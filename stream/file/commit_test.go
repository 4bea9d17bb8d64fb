package file

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/stream"
)

// never is a bound that does not end a group within a test.
const never = time.Hour

// groupSink is a file sink committing by g, with a callback per line that
// reports on the returned channel.
func groupSink(t *testing.T, g grouping, opts ...SinkOption) (*Sink, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	c := config(opts)
	c.group = g
	s := newSink(f, f, c)
	s.closer = f
	return s, path
}

func writeLines(t *testing.T, s *Sink, n int) <-chan error {
	t.Helper()
	done := make(chan error, n)
	for i := range n {
		if err := s.Write(t.Context(), stream.Message{Value: []byte(`{"i":` + string(rune('0'+i)) + `}`)}, func(err error) { done <- err }); err != nil {
			t.Fatal(err)
		}
	}
	return done
}

// awaitDurable waits for n callbacks; a group that is never committed
// fails the test after a generous while (the bounds under test are
// microseconds to milliseconds).
func awaitDurable(t *testing.T, done <-chan error, n int) {
	t.Helper()
	limit := time.After(30 * time.Second)
	for range n {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-limit:
			t.Fatal("a line was never made durable")
		}
	}
}

func TestGroupCommit(t *testing.T) {
	cases := []struct {
		name  string
		g     grouping
		opts  []SinkOption
		lines int
	}{
		{"a small group at once", grouping{eager: 2, delay: never, bytes: 1 << 20}, nil, 1},
		{"a large group at its age", grouping{eager: 1, delay: time.Millisecond, bytes: 1 << 20}, nil, 1},
		{"a large group holding its bytes", grouping{eager: 1, delay: never, bytes: 14}, nil, 2},
		{"a large group holding GroupLines", grouping{eager: 1, delay: never, bytes: 1 << 20}, []SinkOption{GroupLines(3)}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, path := groupSink(t, tc.g, tc.opts...)
			awaitDurable(t, writeLines(t, s, tc.lines), tc.lines)
			// Durable means flushed and fsynced: readable before Close.
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(string(b), "\n"); got != tc.lines {
				t.Errorf("%d lines on disk, want %d", got, tc.lines)
			}
			if err := s.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCloseCommitsTheGatheringGroup: Close does not wait for a group's
// bounds.
func TestCloseCommitsTheGatheringGroup(t *testing.T) {
	s, path := groupSink(t, grouping{eager: 1, delay: never, bytes: 1 << 20})
	done := writeLines(t, s, 2)
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	awaitDurable(t, done, 2)
	if b, _ := os.ReadFile(path); strings.Count(string(b), "\n") != 2 {
		t.Errorf("file holds %q, want 2 lines", b)
	}
}

// TestFlushDoesNotWaitForTheGroup: Flush commits at once.
func TestFlushDoesNotWaitForTheGroup(t *testing.T) {
	s, _ := groupSink(t, grouping{eager: 1, delay: never, bytes: 1 << 20})
	done := writeLines(t, s, 2)
	if err := s.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 {
		t.Errorf("%d callbacks after Flush, want 2", len(done))
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}
