package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Schema is the version of the JSON form this package writes and reads (see
// the package doc).
const Schema = 1

// ErrSchema is matched (errors.Is) by the error of decoding JSON that is not a
// snapshot of version Schema: another version, or no "schema" field at all.
var ErrSchema = errors.New("snapshot: not a snapshot of the JSON schema this program reads")

// MarshalJSON writes s in the schema: a "schema" field, lower-case keys,
// durations as strings, [] for empty lists.
func (s Snapshot) MarshalJSON() ([]byte, error) {
	type plain Snapshot
	return json.Marshal(struct {
		Schema int `json:"schema"`
		plain
		Stages      []Stage      `json:"stages"`
		Edges       []Edge       `json:"edges"`
		Supervisors []Supervisor `json:"supervisors"`
		Events      []Event      `json:"events"`
		DeadLetters []DeadLetter `json:"dead_letters"`
	}{Schema, plain(s), list(s.Stages), list(s.Edges), list(s.Supervisors), list(s.Events), list(s.DeadLetters)})
}

// UnmarshalJSON reads s from the schema. It refuses another version with an
// error matching ErrSchema.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	type plain Snapshot
	var probe struct {
		Schema *int `json:"schema"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	switch {
	case probe.Schema == nil:
		return fmt.Errorf("%w: it has no \"schema\" field (this program reads schema %d)", ErrSchema, Schema)
	case *probe.Schema != Schema:
		return fmt.Errorf("%w: it is schema %d, this program reads schema %d", ErrSchema, *probe.Schema, Schema)
	}
	*s = Snapshot{}
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// MarshalJSON writes r's durations as strings.
func (r Retry) MarshalJSON() ([]byte, error) {
	type plain Retry
	return json.Marshal(struct {
		plain
		Initial duration `json:"initial"`
		Max     duration `json:"max"`
	}{plain(r), duration(r.Initial), duration(r.Max)})
}

// UnmarshalJSON reads r's durations from strings.
func (r *Retry) UnmarshalJSON(b []byte) error {
	type plain Retry
	w := struct {
		*plain
		Initial duration `json:"initial"`
		Max     duration `json:"max"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	r.Initial, r.Max = time.Duration(w.Initial), time.Duration(w.Max)
	return nil
}

// MarshalJSON writes b's wait as a string.
func (b Batching) MarshalJSON() ([]byte, error) {
	type plain Batching
	return json.Marshal(struct {
		plain
		MaxWait duration `json:"max_wait"`
	}{plain(b), duration(b.MaxWait)})
}

// UnmarshalJSON reads b's wait from a string.
func (b *Batching) UnmarshalJSON(data []byte) error {
	type plain Batching
	w := struct {
		*plain
		MaxWait duration `json:"max_wait"`
	}{plain: (*plain)(b)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	b.MaxWait = time.Duration(w.MaxWait)
	return nil
}

// MarshalJSON writes st's durations as strings and its empty lists as [].
func (st Stage) MarshalJSON() ([]byte, error) {
	type plain Stage
	return json.Marshal(struct {
		plain
		Timeout  duration `json:"timeout"`
		P50      duration `json:"p50"`
		P99      duration `json:"p99"`
		Expects  []string `json:"expects"`
		Promises []string `json:"promises"`
	}{plain(st), duration(st.Timeout), duration(st.P50), duration(st.P99), list(st.Expects), list(st.Promises)})
}

// UnmarshalJSON reads st's durations from strings.
func (st *Stage) UnmarshalJSON(b []byte) error {
	type plain Stage
	w := struct {
		*plain
		Timeout duration `json:"timeout"`
		P50     duration `json:"p50"`
		P99     duration `json:"p99"`
	}{plain: (*plain)(st)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	st.Timeout, st.P50, st.P99 = time.Duration(w.Timeout), time.Duration(w.P50), time.Duration(w.P99)
	return nil
}

// MarshalJSON writes h's sum as a string and its empty bucket list as [].
func (h Histogram) MarshalJSON() ([]byte, error) {
	type plain Histogram
	return json.Marshal(struct {
		plain
		Sum     duration `json:"sum"`
		Buckets []Bucket `json:"buckets"`
	}{plain(h), duration(h.Sum), list(h.Buckets)})
}

// UnmarshalJSON reads h's sum from a string.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	type plain Histogram
	w := struct {
		*plain
		Sum duration `json:"sum"`
	}{plain: (*plain)(h)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	h.Sum = time.Duration(w.Sum)
	return nil
}

// MarshalJSON writes b's bound as a string.
func (b Bucket) MarshalJSON() ([]byte, error) {
	type plain Bucket
	return json.Marshal(struct {
		plain
		Le duration `json:"le"`
	}{plain(b), duration(b.Le)})
}

// UnmarshalJSON reads b's bound from a string.
func (b *Bucket) UnmarshalJSON(data []byte) error {
	type plain Bucket
	w := struct {
		*plain
		Le duration `json:"le"`
	}{plain: (*plain)(b)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	b.Le = time.Duration(w.Le)
	return nil
}

// MarshalJSON writes sv's window as a string and its empty children as [].
func (sv Supervisor) MarshalJSON() ([]byte, error) {
	type plain Supervisor
	return json.Marshal(struct {
		plain
		Within   duration `json:"within"`
		Children []string `json:"children"`
	}{plain(sv), duration(sv.Within), list(sv.Children)})
}

// UnmarshalJSON reads sv's window from a string.
func (sv *Supervisor) UnmarshalJSON(b []byte) error {
	type plain Supervisor
	w := struct {
		*plain
		Within duration `json:"within"`
	}{plain: (*plain)(sv)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	sv.Within = time.Duration(w.Within)
	return nil
}

// MarshalJSON writes a dead letter with no input values as "input": {}.
func (d DeadLetter) MarshalJSON() ([]byte, error) {
	type plain DeadLetter
	if d.Input == nil {
		d.Input = map[string]any{}
	}
	return json.Marshal(plain(d))
}

// duration is a time.Duration in JSON: a Go duration string.
type duration time.Duration

func (d duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"1.5ms\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = duration(v)
	return nil
}

// list is l, or an empty list where l is nil, so JSON shows [] and not null.
func list[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
