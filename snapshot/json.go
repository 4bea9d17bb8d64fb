package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Schema is the version of the JSON form this package writes and reads (see
// the package doc).
const Schema = 1

// ErrSchema is matched (errors.Is) by the error of decoding JSON that is not a
// snapshot of version Schema: another version, or no "schema" field at all.
var ErrSchema = errors.New("snapshot: not a snapshot of the JSON schema this program reads")

// MarshalJSON writes s in the schema: a "schema" field first, then the
// fields in their Go order with lower-case keys, durations as strings, []
// for empty lists.
func (s Snapshot) MarshalJSON() ([]byte, error) {
	body, err := marshal(s)
	if err != nil {
		return nil, err
	}
	b := append([]byte(`{"schema":`), strconv.Itoa(Schema)...)
	if len(body) > 2 {
		b = append(b, ',')
	}
	return append(b, body[1:]...), nil
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
func (r Retry) MarshalJSON() ([]byte, error) { return marshal(r) }

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
func (b Batching) MarshalJSON() ([]byte, error) { return marshal(b) }

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
func (st Stage) MarshalJSON() ([]byte, error) { return marshal(st) }

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
func (h Histogram) MarshalJSON() ([]byte, error) { return marshal(h) }

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
func (b Bucket) MarshalJSON() ([]byte, error) { return marshal(b) }

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
func (sv Supervisor) MarshalJSON() ([]byte, error) { return marshal(sv) }

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

// MarshalJSON writes c's downtime as a string.
func (c Connection) MarshalJSON() ([]byte, error) { return marshal(c) }

// UnmarshalJSON reads c's downtime from a string.
func (c *Connection) UnmarshalJSON(b []byte) error {
	type plain Connection
	w := struct {
		*plain
		Down duration `json:"down"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	c.Down = time.Duration(w.Down)
	return nil
}

// MarshalJSON writes a dead letter with no input values as "input": {}.
func (d DeadLetter) MarshalJSON() ([]byte, error) { return marshal(d) }

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
