package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// printSummary writes the one line that accounts for every input of a run:
//
//	summary: complete read=2000 malformed=0 done=1890 stopped=50 failed=60 elapsed=1.02s rate=1960/s
//
// read counts every non-blank line processed; after a run, read ==
// malformed + done + stopped + failed. When intake stopped early, the line
// after it says which line was the last processed.
func printSummary(w io.Writer, c counts, out outcome, noun string, extra ...string) {
	var b strings.Builder
	state := "complete"
	switch {
	case out.flowErr != nil:
		state = "flow-failed"
	case out.writeErr != nil:
		state = "write-error"
	case out.interrupted:
		state = "interrupted"
	case out.quit:
		state = "quit"
	case out.readErr != nil:
		state = "read-error"
	}
	fmt.Fprintf(&b, "summary: %s read=%d malformed=%d done=%d stopped=%d failed=%d", state, c.Read, c.Malformed, c.Done, c.Stopped, c.Failed)
	if c.Extra > 0 {
		fmt.Fprintf(&b, " replayed=%d", c.Extra)
	}
	fmt.Fprintf(&b, " elapsed=%s", out.elapsed.Round(time.Millisecond))
	if s := out.elapsed.Seconds(); s > 0 {
		fmt.Fprintf(&b, " rate=%.0f/s", float64(c.Read)/s)
	}
	for _, e := range extra {
		b.WriteString(" " + e)
	}
	fmt.Fprintln(w, b.String())
	if out.flowErr != nil {
		fmt.Fprintf(w, "flowrun: the flow failed: %v\n", out.flowErr)
	}
	if !out.ended && out.lastLine > 0 && !out.completedBySignal() {
		fmt.Fprintf(w, "flowrun: intake stopped after %s %d; later ones were not processed\n", noun, out.lastLine)
	}
	if out.readErr != nil {
		fmt.Fprintf(w, "flowrun: reading the input failed after %s %d: %v\n", noun, out.lastLine, out.readErr)
	}
}

// completedBySignal reports a run that a signal ended the way it should
// end: a broker or HTTP source runs until one by design, so a clean drain
// after it completes the run (nothing is left unprocessed: what the source
// did not hand out stays in it, or was never sent).
func (out outcome) completedBySignal() bool {
	return out.interrupted && out.endless && !out.cutShort && !out.quit
}

// exitCode is the exit code of a finished run.
func exitCode(out outcome) int {
	switch {
	case out.flowErr != nil, out.writeErr != nil:
		return ExitFlowFailed
	case out.completedBySignal():
		return ExitOK
	case out.interrupted, out.quit:
		return ExitInterrupted
	case out.readErr != nil:
		return ExitFlowFailed
	}
	return ExitOK
}
