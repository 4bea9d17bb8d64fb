package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// A tap samples the contexts going through one stage, for a monitor to
// show what a stage does to its data. It is opened by asking for its
// samples and closes by itself when nobody has asked for TapLease, so a
// monitor that goes away leaves no tap open. Sampling is bounded: at most
// TapRate contexts a second, TapKeep kept, each value previewed in at most
// TapPreview bytes.
const (
	TapLease   = 5 * time.Second
	TapRate    = 20
	TapKeep    = 100
	TapPreview = 120
)

// ErrNoTap is matched by the error of Tap on a source that cannot tap (a
// recording, or a flow whose runtime has no taps).
var ErrNoTap = errors.New("snapshot: this source cannot tap a stage")

// ErrNoStage is matched by the error of Tap for a stage the flow does not
// have, or one that calls no service (a fork, a decorator, the sink).
var ErrNoStage = errors.New("snapshot: no service stage of that name")

// Tapper is a Source that can tap its stages.
type Tapper interface {
	// Tap returns the samples of stage newer than since (a Sample.Seq; 0
	// for all kept), oldest first, opening a tap on it if none is open and
	// keeping it open for TapLease more.
	Tap(ctx context.Context, stage string, since uint64) ([]Sample, error)
}

// Sample is one context a tap saw go through its stage: its values going
// in and coming out, as previews (JSON, cut to TapPreview bytes).
type Sample struct {
	Seq     uint64            `json:"seq"`     // increasing, from 1, per tap
	Time    time.Time         `json:"time"`    // when the call returned
	Stage   string            `json:"stage"`   // the stage tapped
	Input   uint64            `json:"input"`   // the input's ID
	Attempt int               `json:"attempt"` // 1 for the first
	Took    time.Duration     `json:"took"`    // the call's time
	Before  map[string]string `json:"before"`  // the values going in
	After   map[string]string `json:"after"`   // the values coming out
	Err     string            `json:"err"`     // the call's error, "" for none

	// Abandoned says the call was abandoned past its Timeout: its goroutine
	// may still be writing the context, so After was not read.
	Abandoned bool `json:"abandoned,omitempty"`
}

// Changed lists the keys the call set, changed or deleted, sorted.
// An abandoned call's values were not read: it lists none.
func (s Sample) Changed() []string {
	if s.Abandoned {
		return nil
	}
	var out []string
	for k, v := range s.After {
		if b, ok := s.Before[k]; !ok || b != v {
			out = append(out, k)
		}
	}
	for k := range s.Before {
		if _, ok := s.After[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// MarshalJSON writes the sample with its duration as a string and {} for
// empty value maps.
func (s Sample) MarshalJSON() ([]byte, error) {
	type plain Sample
	return json.Marshal(struct {
		plain
		Took   duration          `json:"took"`
		Before map[string]string `json:"before"`
		After  map[string]string `json:"after"`
	}{plain(s), duration(s.Took), orEmpty(s.Before), orEmpty(s.After)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Sample) UnmarshalJSON(b []byte) error {
	type plain Sample
	var v struct {
		*plain
		Took duration `json:"took"`
	}
	v.plain = (*plain)(s)
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("snapshot: sample: %w", err)
	}
	s.Took = time.Duration(v.Took)
	return nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Tap taps the wrapped source's stages, if it can (ErrNoTap otherwise).
func (c counted) Tap(ctx context.Context, stage string, since uint64) ([]Sample, error) {
	if t, ok := c.Source.(Tapper); ok {
		return t.Tap(ctx, stage, since)
	}
	return nil, ErrNoTap
}
