package snapshot

import (
	"slices"
	"strconv"
	"time"
)

// maxRejected bounds the malformed records an Intake keeps as events.
const maxRejected = 100

// Reject counts one malformed record (as Malformed does) and keeps it as an
// EventMalformed event: "line 12: invalid JSON". reason should be short and
// must not carry the record's raw bytes unsanitised (jsonl's LineError
// reason and quoted preview are fine). Call Read for it too.
func (in *Intake) Reject(line int, reason string) {
	in.Malformed()
	msg := reason
	if line > 0 {
		msg = "line " + strconv.Itoa(line) + ": " + reason
	}
	e := Event{Time: time.Now(), Kind: EventMalformed, Message: msg}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.keep(e)
}

// keep adds e to the events kept (the newest maxRejected); in.mu is held.
func (in *Intake) keep(e Event) {
	if len(in.rejected) == maxRejected {
		in.rejected = slices.Delete(in.rejected, 0, 1)
	}
	in.rejected = append(in.rejected, e)
}

// mergeRejected returns evs (oldest first) with the kept malformed records
// merged in by time.
func (in *Intake) mergeRejected(evs []Event) []Event {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.rejected) == 0 {
		return evs
	}
	out := make([]Event, 0, len(evs)+len(in.rejected))
	i, j := 0, 0
	for i < len(evs) || j < len(in.rejected) {
		if j == len(in.rejected) || i < len(evs) && !evs[i].Time.After(in.rejected[j].Time) {
			out = append(out, evs[i])
			i++
		} else {
			out = append(out, in.rejected[j])
			j++
		}
	}
	return out
}
