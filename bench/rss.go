package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"time"
)

// rssEvery is how often watchRSS reads a child's peak. The peak only grows,
// so a read misses at most what the child adds in its last rssEvery.
const rssEvery = 5 * time.Millisecond

// watchRSS follows the peak resident set of the running process pid from
// its own address space (VmHWM in /proc/PID/status) until ctx ends, and
// returns the last peak it read, in bytes; 0 where /proc is missing.
//
// A child's rusage cannot tell this: os/exec starts it sharing the parent's
// memory until it execs, and Linux counts that in the child's ru_maxrss, so a
// small program started by a big bench reports the bench's size.
func watchRSS(ctx context.Context, pid int) int64 {
	path := fmt.Sprintf("/proc/%d/status", pid)
	var peak int64
	t := time.NewTicker(rssEvery)
	defer t.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			if v := vmHWM(b); v > 0 {
				peak = v
			}
		}
		select {
		case <-ctx.Done():
			return peak
		case <-t.C:
		}
	}
}

// vmHWM is the VmHWM line of a /proc/PID/status file, in bytes (0 if none).
func vmHWM(status []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:"))
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
