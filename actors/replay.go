package actors

import (
	"context"
	"errors"
	"fmt"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/snapshot"
)

// ErrNoDeadLetter is returned by Replay for an ID that is not a dead letter:
// it never failed, was evicted (see DeadLetters), or was replayed already.
var ErrNoDeadLetter = errors.New("actors: no such dead letter")

// Replay submits the original inputs of the dead letters with the given IDs
// (all when none are given) again, as new inputs, and returns how many it
// will submit; ctx is there for snapshot.Source. Submission happens in the background, so Replay never blocks
// on MaxInFlight; a dead letter stays until its new input is admitted, and
// one already being replayed is not submitted twice.
//
// Replay returns an error, and replays nothing, when an ID is not a dead
// letter (ErrNoDeadLetter), once Drain has been called (ErrDraining) or after
// the flow failed (its error). A Drain called after Replay waits for the
// replayed inputs to be admitted; when its deadline passes first, or the flow
// fails meanwhile, the inputs not yet submitted stay dead letters, and an
// event and a warning say how many.
func (rt *Runtime) Replay(_ context.Context, ids ...uint64) (int, error) {
	// Shared with Submit: once Drain holds it, every Replay that got past the
	// checks is counted in rt.replays, and no later one gets past them.
	rt.admitting.RLock()
	defer rt.admitting.RUnlock()
	if rt.draining.Load() {
		return 0, ErrDraining
	}
	if err := rt.escalated(); err != nil {
		return 0, fmt.Errorf("actors: cannot replay: %w", err)
	}
	jobs, err := rt.led.reserve(ids)
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	rt.ev.add(snapshot.EventReplay, "", 0, fmt.Sprintf("replaying %d dead letters", len(jobs)))
	rt.replays.Add(1)
	go func() {
		defer rt.replays.Done()
		rt.replay(jobs)
	}()
	return len(jobs), nil
}

// replay admits jobs one by one, waiting for slots. It does not stop at
// Drain, which waits for it, only at Drain's deadline or an escalation.
func (rt *Runtime) replay(jobs []replayJob) {
	for k, j := range jobs {
		if err := rt.resubmit(j.input); err != nil {
			rest := jobs[k:]
			rt.led.unreserve(rest)
			msg := fmt.Sprintf("replay stopped after %d of %d inputs; %d stay dead letters: %v", k, len(jobs), len(rest), err)
			rt.ev.add(snapshot.EventReplay, "", 0, msg)
			rt.cfg.logger.Warn("replay stopped", "submitted", k, "kept", len(rest), "err", err)
			return
		}
		rt.led.replayed(j.id)
	}
}

// resubmit admits input as a new input once a slot is free.
func (rt *Runtime) resubmit(input map[string]any) error {
	slot, ok := rt.takeSlot(rt.replayStop, nil)
	if !ok {
		return fmt.Errorf("%w before the replay was submitted", ErrDrainTimeout)
	}
	if err := rt.escalated(); err != nil {
		rt.led.release(item{slot: slot})
		return err
	}
	rt.admit(item{c: flow.NewContext(input), slot: slot})
	return nil
}
