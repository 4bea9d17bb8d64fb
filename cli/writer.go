package cli

import (
	"io"
	"os"
	"sync"
)

// serialized returns w made safe for the goroutines of a run that share it:
// the monitor, the runtime's log and the malformed-line reports all write to
// stderr. An *os.File already is, and stays itself so that terminals are
// still recognised (by its Fd); any other writer gets a lock.
func serialized(w io.Writer) io.Writer {
	if _, ok := w.(*os.File); ok || w == nil {
		return w
	}
	return &lockedWriter{w: w}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
