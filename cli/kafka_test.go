package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serviceflow/serviceflow/cli"
)

// kafkaCluster starts an in-process Kafka on loopback whose groups may
// time out a silent member within a second, so a killed process's
// partitions move quickly.
func kafkaCluster(t *testing.T, partitions int32, topics ...string) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...), kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// inputPos is where an input record landed.
type inputPos struct {
	partition int32
	offset    int64
	key       string
}

// produceInputs writes n records {"id": i} keyed k(i%keys) to topic and
// returns where each landed, by id.
func produceInputs(t *testing.T, addr, topic string, n, keys int) map[int]inputPos {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	pos := make(map[int]inputPos, n)
	for from := 0; from < n; from += 10_000 {
		var recs []*kgo.Record
		for i := from; i < min(n, from+10_000); i++ {
			recs = append(recs, &kgo.Record{Key: fmt.Appendf(nil, "k%d", i%keys), Value: fmt.Appendf(nil, `{"id":%d}`, i)})
		}
		res := cl.ProduceSync(t.Context(), recs...)
		if err := res.FirstErr(); err != nil {
			t.Fatal(err)
		}
		for _, r := range res { // in no particular order
			var v struct{ ID int }
			if err := json.Unmarshal(r.Record.Value, &v); err != nil {
				t.Fatal(err)
			}
			pos[v.ID] = inputPos{r.Record.Partition, r.Record.Offset, string(r.Record.Key)}
		}
	}
	return pos
}

// outputs consumes a topic of results in the background and counts them
// per input id, keeping the order each partition had.
type outputs struct {
	mu       sync.Mutex
	count    map[int]int
	distinct int
	order    map[int32][]int // per output partition: input ids in order
	keys     map[int]string  // input id → its output record key
	changed  chan struct{}
}

func watchOutputs(t *testing.T, addr, topic string) *outputs {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	o := &outputs{count: map[int]int{}, order: map[int32][]int{}, keys: map[int]string{}, changed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			fs := cl.PollFetches(ctx)
			if ctx.Err() != nil {
				return
			}
			o.mu.Lock()
			fs.EachRecord(func(r *kgo.Record) {
				var v struct{ Values struct{ ID *int } }
				if json.Unmarshal(r.Value, &v) != nil || v.Values.ID == nil {
					t.Errorf("result %s has no id", r.Value)
					return
				}
				id := *v.Values.ID
				if o.count[id] == 0 {
					o.distinct++
				}
				o.count[id]++
				o.order[r.Partition] = append(o.order[r.Partition], id)
				o.keys[id] = string(r.Key)
			})
			close(o.changed)
			o.changed = make(chan struct{})
			o.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); <-done; cl.Close() })
	return o
}

// waitDistinct waits until n distinct inputs have results.
func (o *outputs) waitDistinct(t *testing.T, n int, limit time.Duration) {
	t.Helper()
	timeout := time.After(limit)
	for {
		o.mu.Lock()
		got, changed := o.distinct, o.changed
		o.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("only %d of %d inputs have results after %v", got, n, limit)
		}
	}
}

// committed returns the group's committed offset per partition of topic.
func committed(t *testing.T, addr, group, topic string) map[int32]int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Group = group
	rt := kmsg.NewOffsetFetchRequestTopic()
	rt.Topic = topic
	req.Topics = nil // all topics
	resp, err := req.RequestWith(t.Context(), cl)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	for _, tp := range resp.Topics {
		if tp.Topic != topic {
			continue
		}
		for _, p := range tp.Partitions {
			out[p.Partition] = p.Offset
		}
	}
	return out
}

func kafkaRun(addr, group string, extra ...string) []string {
	return kafkaRunSession(addr, group, time.Second, extra...)
}

// kafkaRunSession is kafkaRun with the group's session timeout: a short one
// moves a killed member's partitions soon; a test of graceful leaves wants
// a longer one, since a member of a loaded machine that misses it is
// dropped, its commits refused, and its records redelivered.
func kafkaRunSession(addr, group string, session time.Duration, extra ...string) []string {
	url := func(topic string) string {
		return fmt.Sprintf("kafka://%s/%s?group=%s&session_timeout=%v", addr, topic, group, session)
	}
	return append([]string{"--in", url("in"), "--out", url("out"), "--dead-letters", url("dead"), "--ui", "off"}, extra...)
}

// stoppable are the arguments a process given to stop needs: the plain
// monitor, whose first status line tells stop the process is running (a
// flag given twice takes its last value).
var stoppable = []string{"--ui", "plain"}

// stop sends a running flowrun (started with stoppable) SIGTERM and checks
// that its drain ends the run with exit 0. It waits for the monitor's first
// status line first: a process that has not yet set up its signal handling
// would die of the signal (exit -1), as one started when nothing is left to
// read used to, since nothing else waits for it to start.
func stop(t *testing.T, cmd *exec.Cmd, stderr *lockedBuffer) {
	t.Helper()
	stderr.waitFor(t, "state=", time.Minute)
	cmd.Process.Signal(syscall.SIGTERM)
	if code, _ := waitExit(t, cmd, time.Minute, stderr); code != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0 (a broker source runs until a signal; its drain completes the run):\n%s", code, tail(stderr.String()))
	}
}

// TestKafkaCrashLosesNothing kills a flowrun consuming a topic with
// SIGKILL mid-stream and starts another in the same group: every record
// gets a result, and the only ones with two are those at or after the
// offsets the group had committed at the crash, at most the run's bound on
// records uncommitted (stream.WindowFor(max_in_flight)).
func TestKafkaCrashLosesNothing(t *testing.T) {
	t.Parallel()
	n := crashRecords()
	addr := kafkaCluster(t, 3, "in", "out", "dead")
	pos := produceInputs(t, addr, "in", n, 100)
	out := watchOutputs(t, addr, "out")
	args := append([]string{"run", "testdata/chaos.yaml"}, kafkaRun(addr, "g", stoppable...)...)

	cmd, first := flowrunProcess(t, args...)
	out.waitDistinct(t, n/3, 2*time.Minute)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	atCrash := committed(t, addr, "g", "in")

	cmd, stderr := flowrunProcess(t, args...)
	out.waitDistinct(t, n, 5*time.Minute)
	stop(t, cmd, stderr)

	// A member whose session expires (a heartbeat starved on a loaded
	// machine: the test's session timeout is 1 s) loses its partitions
	// mid-run and their uncommitted records are redone by their next owner,
	// here itself: each such loss repeats at most a window too, and may
	// repeat records the first run committed later.
	losses := strings.Count(first.String(), "partitions lost")
	lostAfter := strings.Count(stderr.String(), "partitions lost")
	out.mu.Lock()
	defer out.mu.Unlock()
	dups := 0
	for id, p := range pos {
		k := out.count[id]
		if k == 0 {
			t.Fatalf("input %d (partition %d offset %d) has no result", id, p.partition, p.offset)
		}
		if k > 1 {
			dups += k - 1
			if c, ok := atCrash[p.partition]; ok && p.offset < c && losses == 0 {
				t.Fatalf("input %d at offset %d has %d results, but partition %d was committed up to %d at the crash; the first run said:\n%s\nthe second:\n%s",
					id, p.offset, k, p.partition, c, tail(first.String()), tail(stderr.String()))
			}
		}
	}
	if window := uncommittedBound(t, "testdata/chaos.yaml"); dups > window*(1+losses+lostAfter) {
		t.Errorf("%d duplicates, but at most %d records are handed out and not committed at any time (one window for the crash, one per loss of partitions: %d)", dups, window, losses+lostAfter)
	}
	t.Logf("%d records, killed with commits at %v; %d duplicates, all at or after them; partitions lost %d times", n, atCrash, dups, losses+lostAfter)
}

// TestKafkaGroupOfThree runs three flowruns in one group, kills one
// mid-stream, and checks that the others take over its partitions: every
// record has a result, and within each partition each key's results keep
// the input order (after the first result of each input; a redelivered
// input repeats its key's tail).
func TestKafkaGroupOfThree(t *testing.T) {
	t.Parallel()
	n := crashRecords() / 2
	addr := kafkaCluster(t, 6, "in", "out", "dead")
	pos := produceInputs(t, addr, "in", n, 60)
	out := watchOutputs(t, addr, "out")
	args := append([]string{"run", "testdata/keyed.yaml"}, kafkaRun(addr, "g3", stoppable...)...)
	var cmds []*exec.Cmd
	var errs []*lockedBuffer
	for range 3 {
		cmd, stderr := flowrunProcess(t, args...)
		cmds, errs = append(cmds, cmd), append(errs, stderr)
	}
	out.waitDistinct(t, n/3, 2*time.Minute)
	cmds[0].Process.Signal(syscall.SIGKILL)
	cmds[0].Wait()
	out.waitDistinct(t, n, 5*time.Minute)
	stop(t, cmds[1], errs[1])
	stop(t, cmds[2], errs[2])

	out.mu.Lock()
	defer out.mu.Unlock()
	for id := range pos {
		if out.count[id] == 0 {
			t.Fatalf("input %d has no result", id)
		}
		if out.keys[id] != pos[id].key {
			t.Fatalf("input %d's result has key %q, want %q", id, out.keys[id], pos[id].key)
		}
	}
	// Input ids rise with the offset within each key (they were produced in
	// order), so each key's first results must come in rising id order.
	for p, ids := range out.order {
		seen := map[int]bool{}
		last := map[string]int{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			k := pos[id].key
			if prev, ok := last[k]; ok && id < prev {
				t.Fatalf("output partition %d, key %s: input %d after %d", p, k, id, prev)
			}
			last[k] = id
		}
	}
}

func TestKafkaUnreachable(t *testing.T) {
	var stdout, stderr strings.Builder
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	code := cli.Execute(ctx, []string{"run", "testdata/pass.yaml", "--in", "kafka://127.0.0.1:1/in?group=g", "--ui", "off"}, strings.NewReader(""), &stdout, &stderr, nil)
	if code != 2 || !strings.Contains(stderr.String(), "brokers unreachable") {
		t.Fatalf("exit %d, stderr %q; want 2 and a clear message", code, stderr.String())
	}
}

// TestKafkaMalformedAndDeadLetters: a record that is not a JSON object is
// reported, counted and committed; a failed input goes to the dead-letter
// topic; on SIGTERM the group has committed every record.
func TestKafkaMalformedAndDeadLetters(t *testing.T) {
	addr := kafkaCluster(t, 1, "in", "out", "dead")
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("in"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := range 30 {
		v := fmt.Sprintf(`{"id":%d,"kind":"ok"}`, i)
		switch i % 10 {
		case 0:
			v = "not json"
		case 5:
			v = fmt.Sprintf(`{"id":%d,"kind":"bad"}`, i)
		}
		recs = append(recs, &kgo.Record{Value: []byte(v)})
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	cl.Close()
	out := watchOutputs(t, addr, "out")

	ctx, cancel := context.WithCancel(t.Context())
	var stderr strings.Builder
	code := make(chan int, 1)
	go func() {
		code <- cli.Execute(ctx, append([]string{"run", "testdata/kinds.yaml"}, kafkaRun(addr, "g")...), strings.NewReader(""), io.Discard, &stderr, nil)
	}()
	out.waitDistinct(t, 27, time.Minute)
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("exit %d, want 0:\n%s", c, stderr.String())
	}
	if got := strings.Count(stderr.String(), `msg="malformed line"`); got != 3 {
		t.Errorf("%d malformed records reported, want 3:\n%s", got, stderr.String())
	}
	if !strings.Contains(stderr.String(), "read=30 malformed=3 done=24 stopped=0 failed=3") {
		t.Errorf("summary:\n%s", stderr.String())
	}
	if got := committed(t, addr, "g", "in"); got[0] != 30 {
		t.Errorf("committed %v, want partition 0 at 30 (malformed and failed records included)", got)
	}
	dead := consumeN(t, addr, "dead", 3)
	for _, r := range dead {
		if !strings.Contains(string(r.Value), `"kind":"bad"`) {
			t.Errorf("dead letter %s is not a failed input", r.Value)
		}
	}
}

// consumeN reads the first n records of topic.
func consumeN(t *testing.T, addr, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var recs []*kgo.Record
	for len(recs) < n && ctx.Err() == nil {
		recs = append(recs, cl.PollFetches(ctx).Records()...)
	}
	if len(recs) < n {
		t.Fatalf("%d records in %s, want %d", len(recs), topic, n)
	}
	return recs
}
