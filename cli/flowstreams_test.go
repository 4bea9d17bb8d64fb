package cli_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serviceflow/serviceflow/cli"
)

// streamsFlow is testdata/kinds.yaml's flow with the stream fields given:
// kind ok is done, any other fails.
const streamsFlow = `name: named
input: {id: int, kind: string}
%s
steps:
  - fork: kind
    branches:
      ok:
        - service: set
          with: {values: {seen: true}}
`

// writeStreamsFlow writes a flow file with the stream fields streams into
// a new directory, with orders.jsonl beside it (ids 0..9, 3 and 7 bad),
// and returns the directory and the flow file's path.
func writeStreamsFlow(t *testing.T, streams string) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "flow.yaml")
	if err := os.WriteFile(path, fmt.Appendf(nil, streamsFlow, streams), 0o644); err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for i := range 10 {
		kind := "ok"
		if i == 3 || i == 7 {
			kind = "bad"
		}
		fmt.Fprintf(&in, "{\"id\":%d,\"kind\":%q}\n", i, kind)
	}
	if err := os.WriteFile(filepath.Join(dir, "orders.jsonl"), []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

func fileLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// A flow file that names its input, outputs and checkpoint runs with no
// stream flag, from another directory: its relative paths are its own.
func TestFlowFileNamesItsStreams(t *testing.T) {
	dir, path := writeStreamsFlow(t, "in: orders.jsonl\nout: out.jsonl\ndead_letters: dead.jsonl\ncheckpoint: orders.checkpoint\nout_format: values")
	r := execute(t, "", "run", path, "--ui", "off")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	s := parseSummary(t, r.stderr)
	if s.read != 10 || s.done != 8 || s.failed != 2 || !strings.Contains(r.stderr, "dead_letters="+filepath.Join(dir, "dead.jsonl")) {
		t.Errorf("summary %+v:\n%s", s, r.stderr)
	}
	out := fileLines(t, filepath.Join(dir, "out.jsonl"))
	joined := strings.Join(out, "\n")
	if len(out) != 10 || strings.Contains(joined, `"status"`) || strings.Count(joined, `"seen":true`) != 8 {
		t.Errorf("out.jsonl, want 10 values objects (out_format: values):\n%s", strings.Join(out, "\n"))
	}
	if dead := strings.Join(fileLines(t, filepath.Join(dir, "dead.jsonl")), "\n"); strings.Count(dead, "\n") != 1 || !strings.Contains(dead, `"id":3`) || !strings.Contains(dead, `"id":7`) {
		t.Errorf("dead.jsonl: %q, want inputs 3 and 7", dead)
	}
	// The file's checkpoint: holds: a second run resumes after line 10.
	r = execute(t, "", "run", path, "--ui", "off")
	if r.code != 0 || !strings.Contains(r.stderr, "resumed_after=10") {
		t.Fatalf("second run: exit %d, want resumed_after=10:\n%s", r.code, r.stderr)
	}
	if out := fileLines(t, filepath.Join(dir, "out.jsonl")); len(out) != 10 {
		t.Errorf("after the resumed run out.jsonl has %d lines, want the same 10", len(out))
	}
}

// A stream the flow file names that cannot be opened is a usage error
// that says where the name came from.
func TestFlowFileStreamThatDoesNotOpen(t *testing.T) {
	dir, path := writeStreamsFlow(t, "in: missing.jsonl\nout: no/such/dir/out.jsonl")
	r := execute(t, "", "run", path, "--ui", "off")
	if r.code != 2 || !strings.Contains(r.stderr, filepath.Join(dir, "missing.jsonl")) || !strings.Contains(r.stderr, "(from the flow file's in:)") {
		t.Errorf("exit %d, stderr %q; want 2 naming the flow file's in:", r.code, r.stderr)
	}
	r = execute(t, "", "run", path, "--in", filepath.Join(dir, "orders.jsonl"), "--ui", "off")
	if r.code != 2 || !strings.Contains(r.stderr, "(from the flow file's out:)") {
		t.Errorf("exit %d, stderr %q; want 2 naming the flow file's out:", r.code, r.stderr)
	}
}

// A flag given on the command line wins over the flow file's field, and
// the file's checkpoint: does not apply to another input.
func TestFlagsWinOverFlowFileStreams(t *testing.T) {
	dir, path := writeStreamsFlow(t, "in: orders.jsonl\nout: out.jsonl\ncheckpoint: orders.checkpoint\nout_format: values")
	other := filepath.Join(t.TempDir(), "other.jsonl")
	r := execute(t, "{\"id\":1,\"kind\":\"ok\"}\n{\"id\":2,\"kind\":\"ok\"}\n", "run", path, "--in", "-", "--out", other, "--out-format", "result", "--ui", "off")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	got := fileLines(t, other)
	if len(got) != 2 || !strings.Contains(got[0], `"status":"done"`) || !strings.Contains(got[1], `"status":"done"`) {
		t.Errorf("--out: %q, want the two stdin inputs' result envelopes", got)
	}
	for _, f := range []string{"out.jsonl", "orders.checkpoint"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s was written (%v): the flags name other streams", f, err)
		}
	}
	if !strings.Contains(r.stderr, "the flow file's checkpoint: ("+filepath.Join(dir, "orders.checkpoint")+") records a position in its in:, so it is not used") {
		t.Errorf("stderr does not say the checkpoint was dropped:\n%s", r.stderr)
	}
	// --out alone: the file's in: and checkpoint: still hold.
	r = execute(t, "", "run", path, "--out", other, "--ui", "off")
	if r.code != 0 || parseSummary(t, r.stderr).read != 10 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "orders.checkpoint")); err != nil {
		t.Errorf("the file's checkpoint was not kept with its in: %v", err)
	}
}

// validate reports a stream field's problem at its line, as run would
// find it on opening; credentials in a URL are refused and not shown.
func TestValidateChecksFlowFileStreams(t *testing.T) {
	for _, tc := range []struct{ streams, want string }{
		{"in: kafka://127.0.0.1:1/in", "flow.yaml:3:5: in: kafka: bad URL: a source needs ?group=NAME"},
		{"in: nats://127.0.0.1:1/S", "flow.yaml:3:5: in: jetstream: bad URL: a source needs ?durable=NAME"},
		{"out: nats://127.0.0.1:1/S", "flow.yaml:3:6: out: jetstream: bad URL: a sink needs ?subject=SUBJ"},
		{"in: http://127.0.0.1:1/x?wait=forever", `flow.yaml:3:5: in: httpin: "http://127.0.0.1:1/x?wait=forever": wait="forever"`},
		{"in: kafka://me:hunter2@127.0.0.1:1/in?group=g", "flow.yaml:3:5: in: a URL with credentials"},
		{"out: http://127.0.0.1:1/x", `flow.yaml:3:6: out: URL scheme "http": want kafka://, nats://`},
	} {
		_, path := writeStreamsFlow(t, tc.streams)
		r := execute(t, "", "validate", path)
		if out := r.stdout + r.stderr; r.code != 2 || !strings.Contains(out, tc.want) || strings.Contains(out, "hunter2") {
			t.Errorf("%s: exit %d, output %q; want 2 and %q", tc.streams, r.code, out, tc.want)
		}
	}
	_, path := writeStreamsFlow(t, "in: kafka://127.0.0.1:1/in?group=g\nout: nats://127.0.0.1:1/S?subject=s\ndead_letters: dead.jsonl")
	if r := execute(t, "", "validate", path); r.code != 0 {
		t.Errorf("validate: exit %d:\n%s", r.code, r.stderr)
	}
	if r := execute(t, "", "graph", path); r.code != 0 || !strings.Contains(r.stdout, "ok") {
		t.Errorf("graph: exit %d, stdout %q:\n%s", r.code, r.stdout, r.stderr)
	}
}

// A flow file that names a Kafka topic as its input and others as its
// outputs runs from them, with no stream flag.
func TestFlowFileNamesKafkaTopics(t *testing.T) {
	addr := kafkaCluster(t, 1, "in", "out", "dead")
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("in"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := range 20 {
		kind := "ok"
		if i%5 == 4 {
			kind = "bad"
		}
		recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, `{"id":%d,"kind":%q}`, i, kind)})
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	cl.Close()
	url := func(topic string) string {
		return fmt.Sprintf("kafka://%s/%s?group=named&session_timeout=1s", addr, topic)
	}
	_, path := writeStreamsFlow(t, fmt.Sprintf("in: %s\nout: %s\ndead_letters: %s", url("in"), url("out"), url("dead")))
	out := watchOutputs(t, addr, "out")

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr strings.Builder
	code := make(chan int, 1)
	go func() {
		code <- cli.Execute(ctx, []string{"run", path, "--ui", "off"}, strings.NewReader(""), io.Discard, &stderr, nil)
	}()
	out.waitDistinct(t, 20, time.Minute)
	cancel()
	if c := <-code; c != 0 { // a broker source's clean drain completes the run
		t.Fatalf("exit %d, want 0:\n%s", c, stderr.String())
	}
	if !strings.Contains(stderr.String(), "read=20 malformed=0 done=16 stopped=0 failed=4") {
		t.Errorf("summary:\n%s", stderr.String())
	}
	if got := committed(t, addr, "named", "in"); got[0] != 20 {
		t.Errorf("committed %v, want partition 0 at 20", got)
	}
	for _, r := range consumeN(t, addr, "dead", 4) {
		if !strings.Contains(string(r.Value), `"kind":"bad"`) {
			t.Errorf("dead letter %s is not a failed input", r.Value)
		}
	}
}
