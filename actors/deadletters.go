package actors

import (
	"fmt"
	"slices"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

// The ledger's dead letters: Failed inputs kept for inspection and Replay.
// A dead letter being replayed stays until its new input is admitted, so a
// replay cut short (by Drain's deadline or an escalation) loses nothing.

// replayJob is one dead letter a Replay submits.
type replayJob struct {
	id    uint64
	input map[string]any
}

// bury keeps a Failed input as a dead letter.
func (l *ledger) bury(res flow.Result, stage string) snapshot.DeadLetter {
	in := res.Context.Input()
	dl := snapshot.DeadLetter{
		ID:       res.Context.ID(),
		Time:     time.Now(),
		Stage:    stage,
		Err:      errString(res.Err),
		Attempts: res.Context.Attempt(),
		Input:    in,
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Evict the oldest letters that no Replay is submitting: one being
	// replayed stays until its input is admitted, or its replay, cut short,
	// would lose it. So while replays wait the letters may exceed deadCap,
	// by at most the letters being replayed.
	for len(l.dead) >= l.deadCap {
		k := slices.IndexFunc(l.dead, func(dl snapshot.DeadLetter) bool { return !l.replaying[dl.ID] })
		if k < 0 {
			break
		}
		delete(l.inputs, l.dead[k].ID)
		l.dead = slices.Delete(l.dead, k, k+1)
		l.evicted++
	}
	l.dead = append(l.dead, dl)
	l.inputs[dl.ID] = in
	return dl
}

// reserve marks the dead letters with the given IDs (all when ids is empty)
// as being replayed and returns them, in dead-letter order. Letters already
// being replayed are skipped. An ID that is not a dead letter is an error
// matching ErrNoDeadLetter, and then nothing is reserved.
func (l *ledger) reserve(ids []uint64) ([]replayJob, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var unknown []uint64
	for _, id := range ids {
		if _, ok := l.inputs[id]; !ok && !slices.Contains(unknown, id) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%w: %v (never failed, evicted, or replayed already)", ErrNoDeadLetter, unknown)
	}
	var jobs []replayJob
	for _, dl := range l.dead {
		if l.replaying[dl.ID] || (len(ids) > 0 && !slices.Contains(ids, dl.ID)) {
			continue
		}
		l.replaying[dl.ID] = true
		jobs = append(jobs, replayJob{id: dl.ID, input: l.inputs[dl.ID]})
	}
	return jobs, nil
}

// replayed removes a dead letter whose input was admitted again.
func (l *ledger) replayed(id uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.replaying, id)
	if _, ok := l.inputs[id]; !ok {
		return // evicted meanwhile
	}
	delete(l.inputs, id)
	if k := slices.IndexFunc(l.dead, func(dl snapshot.DeadLetter) bool { return dl.ID == id }); k >= 0 {
		l.dead = slices.Delete(l.dead, k, k+1)
	}
}

// unreserve keeps the dead letters of jobs a Replay could not submit.
func (l *ledger) unreserve(jobs []replayJob) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, j := range jobs {
		delete(l.replaying, j.id)
	}
}

func (l *ledger) deadLetters() ([]snapshot.DeadLetter, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]snapshot.DeadLetter(nil), l.dead...), l.evicted
}
