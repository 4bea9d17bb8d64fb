package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// full is a snapshot with every field set, so a round trip that drops or
// mangles one shows.
func full() Snapshot {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 123456789, time.UTC)
	return Snapshot{
		Flow: "orders", State: Degraded, Err: "why", Started: t0, Taken: t0.Add(90 * time.Second),
		MaxInFlight: 64,
		Retry:       Retry{Attempts: 3, Initial: 100 * time.Millisecond, Max: 5 * time.Second},
		Totals:      Totals{Admitted: 10, InFlight: 1, Done: 6, Stopped: 1, Failed: 2, Retried: 4, Restarts: 5, Stuck: 1, Read: 12, Malformed: 2},
		InRate:      12.5, OutRate: 11.25,
		Stages: []Stage{{
			ID: 0, Name: "parse", Kind: KindService, Path: "kind=book", Key: "k", State: StageRestarting,
			Supervisor: "parse", Concurrency: 4, Timeout: 2 * time.Second,
			Expects: []string{"line"}, Promises: []string{"order"},
			Received: 10, Done: 6, Stopped: 1, Retried: 4, Failed: 2, Restarts: 5,
			InFlight: 3, Mailbox: 2, MailboxCap: 64, InRate: 1.5, OutRate: 2.5,
			P50: 5*time.Millisecond + 37*time.Microsecond, P99: 9 * time.Millisecond,
			Latency: Histogram{Count: 9, Sum: 45 * time.Millisecond, Buckets: []Bucket{
				{Le: time.Millisecond, Count: 1}, {Le: 10 * time.Millisecond, Count: 9}}},
			LastError: "boom",
			Batch:     &Batching{MaxSize: 500, MaxWait: 20 * time.Millisecond, Batches: 4, Inputs: 900, P99Size: 500, Full: 1, Wait: 2, Idle: 1},
		}},
		Edges:       []Edge{{From: 0, To: 1, Label: "book"}},
		Supervisors: []Supervisor{{Name: "flow", Parent: "p", Strategy: "one-for-one", MaxRestarts: 10, Within: 5 * time.Second, Restarts: 2, Escalated: true, Children: []string{"parse"}}},
		Events:      []Event{{Time: t0, Kind: EventRestart, Stage: "parse", Input: 7, Message: "restarted"}},
		DeadLetters: []DeadLetter{{ID: 7, Time: t0, Stage: "parse", Err: "bad", Attempts: 3, Input: map[string]any{"line": "x", "n": 1.5}}},
		Evicted:     2,
		Partitions:  []Partition{{Name: "orders/0", Committed: 40, High: 50, Lag: 10}},
		Connections: []Connection{{Name: "in", Err: "broker lost: eof", Lost: 2, Down: 1500 * time.Millisecond}, {Name: "out", Up: true}},
		Degraded:    "in: broker lost: eof",
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for name, s := range map[string]Snapshot{"full": full(), "zero": {}} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var got Snapshot
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			want := s
			if name == "zero" { // the zero snapshot comes back with empty, not nil, lists
				want.Stages, want.Edges, want.Supervisors, want.Events, want.DeadLetters = []Stage{}, []Edge{}, []Supervisor{}, []Event{}, []DeadLetter{}
				want.Partitions = []Partition{}
				want.Connections = []Connection{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip changed the snapshot:\n got %+v\nwant %+v\njson %s", got, want, b)
			}
		})
	}
}

// The schema's rules, checked on the generic JSON tree: a schema field,
// lower-case keys, durations as strings, no null anywhere.
func TestJSONSchemaForm(t *testing.T) {
	s := full()
	s.Stages = append(s.Stages, Stage{Name: "results", Kind: KindSink}) // nil lists inside
	s.Supervisors = append(s.Supervisors, Supervisor{Name: "bare"})
	s.DeadLetters = append(s.DeadLetters, DeadLetter{ID: 8})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	if tree["schema"] != float64(Schema) {
		t.Fatalf("schema field = %v, want %d", tree["schema"], Schema)
	}
	key := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("%s is null", path)
		case map[string]any:
			for k, e := range v {
				if !key.MatchString(k) && !strings.HasSuffix(path, ".input") {
					t.Errorf("%s: key %q is not lower snake case", path, k)
				}
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range v {
				walk(path+"[]", e)
			}
		}
	}
	walk("", tree)
	st := tree["stages"].([]any)[0].(map[string]any)
	for k, want := range map[string]string{"timeout": "2s", "p50": "5.037ms", "p99": "9ms"} {
		if st[k] != want {
			t.Errorf("stage %s = %#v, want the duration string %q", k, st[k], want)
		}
	}
	if lat := st["latency"].(map[string]any); lat["sum"] != "45ms" || lat["buckets"].([]any)[0].(map[string]any)["le"] != "1ms" {
		t.Errorf("latency = %#v, want durations as strings", lat)
	}
	if r := tree["retry"].(map[string]any); r["initial"] != "100ms" || r["max"] != "5s" {
		t.Errorf("retry = %#v", r)
	}
	if sv := tree["supervisors"].([]any)[0].(map[string]any); sv["within"] != "5s" {
		t.Errorf("supervisor within = %#v", sv["within"])
	}
	sink := tree["stages"].([]any)[1].(map[string]any)
	if !reflect.DeepEqual(sink["expects"], []any{}) || !reflect.DeepEqual(sink["latency"].(map[string]any)["buckets"], []any{}) {
		t.Errorf("empty lists: expects %#v, buckets %#v; want []", sink["expects"], sink["latency"])
	}
}

func TestJSONRefusesOtherSchemas(t *testing.T) {
	for _, doc := range []string{`{"flow":"x"}`, `{"schema":2,"flow":"x"}`, `{"schema":0}`} {
		var s Snapshot
		if err := json.Unmarshal([]byte(doc), &s); !errors.Is(err, ErrSchema) {
			t.Errorf("%s: err %v, want ErrSchema", doc, err)
		}
	}
	var s Snapshot
	if err := json.Unmarshal([]byte(`{"schema":1,"stages":[{"p50":12}]}`), &s); err == nil || errors.Is(err, ErrSchema) {
		t.Errorf("a duration as a number: err %v, want a decoding error", err)
	}
}

func TestEncoderDecoderStream(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	a, b := full(), full()
	b.Totals.Done = 99
	for _, s := range []Snapshot{a, b} {
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("%d lines, want one per snapshot:\n%s", n, buf.String())
	}
	dec := NewDecoder(&buf)
	for _, want := range []Snapshot{a, b} {
		got, err := dec.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decoded %+v, want %+v", got, want)
		}
	}
	if _, err := dec.Decode(); err != io.EOF {
		t.Fatalf("after the last snapshot: %v, want io.EOF", err)
	}
}
