package flow_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

// batchRules are the rules by which runtimes split a batch call's error.
func batchRules(t *testing.T) *engine.Rules[*flow.Context] {
	t.Helper()
	p, err := engine.Compile[*flow.Flow, *flow.Context](flow.New(flow.Func("x", func(context.Context, *flow.Context) error { return nil })))
	if err != nil {
		t.Fatal(err)
	}
	return p.Rules
}

func TestSplitBatchError(t *testing.T) {
	rules := batchRules(t)
	boom := errors.New("boom")
	per := make(flow.BatchError, 3)
	per[1] = flow.Stop("dup")
	per[2] = flow.Retry(boom)
	short := make(flow.BatchError, 2)
	short[0] = boom
	for _, tc := range []struct {
		name string
		err  error
		want []error // each outcome must match (errors.Is) or be nil
	}{
		{"nil: all succeeded", nil, []error{nil, nil, nil}},
		{"one error for all", boom, []error{boom, boom, boom}},
		{"one Fatal for all", flow.Fatal(boom), []error{flow.ErrFatal, flow.ErrFatal, flow.ErrFatal}},
		{"per input", per, []error{nil, flow.ErrStopped, flow.ErrRetry}},
		{"per input, wrapped", fmt.Errorf("insert: %w", per), []error{nil, flow.ErrStopped, flow.ErrRetry}},
		{"per input, wrong length", short, []error{engine.ErrBatchMismatch, engine.ErrBatchMismatch, engine.ErrBatchMismatch}},
		{"per input, none failed", make(flow.BatchError, 3), []error{nil, nil, nil}},
		{"a nil BatchError", flow.BatchError(nil), []error{nil, nil, nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rules.Split(tc.err, 3)
			if len(got) != 3 {
				t.Fatalf("got %d outcomes, want 3", len(got))
			}
			for i, want := range tc.want {
				switch {
				case want == nil && got[i] != nil:
					t.Errorf("input %d: %v, want success", i, got[i])
				case want != nil && !errors.Is(got[i], want):
					t.Errorf("input %d: %v, want one matching %v", i, got[i], want)
				}
			}
		})
	}
}

func TestBatchErrorIsFoundAndSummarized(t *testing.T) {
	e := make(flow.BatchError, 2)
	e[1] = flow.Fatal(errors.New("driver crashed"))
	var err error = fmt.Errorf("insert: %w", e)
	var be flow.BatchError
	if !errors.As(err, &be) || len(be) != 2 || be[1] != e[1] {
		t.Fatalf("errors.As(%v) = %v, want the BatchError", err, be)
	}
	if msg := err.Error(); !strings.Contains(msg, "batch of 2: 1 with errors; input 1: fatal: driver crashed") {
		t.Errorf("message = %q", msg)
	}
}

// A batch service's outcome for each input, as Run sees it (a batch of one).
func TestBatchOutcomesInRun(t *testing.T) {
	for _, tc := range []struct {
		do     string
		status flow.Status
		errIs  error
	}{
		{"ok", flow.Done, nil},
		{"stop", flow.Stopped, flow.ErrStopped},
		{"retry", flow.Failed, flow.ErrRetry}, // every attempt retries: exhausted
		{"fatal", flow.Failed, flow.ErrFatal}, // every redelivery is Fatal: poison
		{"fail", flow.Failed, nil},
		{"all", flow.Failed, nil}, // one error for the whole batch
	} {
		t.Run(tc.do, func(t *testing.T) {
			svc := flow.Batch("bulk", func(_ context.Context, batch []*flow.Context) error {
				if len(batch) != 1 {
					t.Errorf("Run called with a batch of %d, want 1", len(batch))
				}
				errs := make(flow.BatchError, len(batch))
				for i, c := range batch {
					do, _ := flow.Value[string](c, "do")
					switch do {
					case "ok":
						c.Set("written", true)
					case "stop":
						errs[i] = flow.Stop("duplicate")
					case "retry":
						errs[i] = flow.Retry(errors.New("deadlock"))
					case "fatal":
						errs[i] = flow.Fatal(errors.New("connection lost"))
					case "fail":
						errs[i] = errors.New("constraint")
					case "all":
						return errors.New("table missing")
					}
				}
				return errs
			}, flow.Expects("do"), flow.Promises("written"))
			f := flow.New(svc).WithPolicy(fastPolicy())
			c, err := f.Run(context.Background(), map[string]any{"do": tc.do})
			status := statusOf(err)
			if status != tc.status || (tc.errIs != nil && !errors.Is(err, tc.errIs)) {
				t.Fatalf("status %v, err %v; want %v matching %v", status, err, tc.status, tc.errIs)
			}
			var be flow.BatchError
			if errors.As(err, &be) {
				t.Errorf("err %v still carries the BatchError, not the input's own outcome", err)
			}
			var se *flow.StageError
			if err != nil && (!errors.As(err, &se) || se.Stage != "bulk") {
				t.Errorf("err = %v, want a StageError naming bulk", err)
			}
			if _, ok := c.Get("written"); ok != (tc.status == flow.Done) {
				t.Errorf("written set %v for %s", ok, tc.do)
			}
		})
	}
}

func statusOf(err error) flow.Status {
	switch {
	case err == nil:
		return flow.Done
	case errors.Is(err, flow.ErrStopped):
		return flow.Stopped
	}
	return flow.Failed
}

func TestTypedBatchMapsOutcomesBackToInputs(t *testing.T) {
	type in struct {
		N int `flow:"n"`
	}
	type out struct {
		Sq int `flow:"sq"`
	}
	for _, tc := range []struct {
		name string
		fn   func(ins []in) ([]out, error)
		want []error // per input of the batch [n=1, n missing, n=3]; nil: Done with sq
	}{
		{"all succeed", func(ins []in) ([]out, error) {
			o := make([]out, len(ins))
			for i, x := range ins {
				o[i] = out{x.N * x.N}
			}
			return o, nil
		}, []error{nil, flow.ErrMissingKey, nil}},
		{"per-input error indexes ins", func(ins []in) ([]out, error) {
			e := make(flow.BatchError, len(ins))
			e[1] = flow.Stop("odd") // ins[1] is the third input
			return []out{{1}, {}}, e
		}, []error{nil, flow.ErrMissingKey, flow.ErrStopped}},
		{"one error for all called", func([]in) ([]out, error) {
			return nil, flow.Retry(errors.New("busy"))
		}, []error{flow.ErrRetry, flow.ErrMissingKey, flow.ErrRetry}},
		{"too few outputs", func([]in) ([]out, error) {
			return []out{{1}}, nil
		}, []error{engine.ErrBatchMismatch, flow.ErrMissingKey, engine.ErrBatchMismatch}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := flow.TypedBatch("square", func(_ context.Context, ins []in) ([]out, error) { return tc.fn(ins) })
			p, err := engine.Compile[*flow.Flow, *flow.Context](flow.New(svc))
			if err != nil {
				t.Fatal(err)
			}
			bs, ok := p.Nodes[0].Service.(engine.BatchService[*flow.Context])
			if !ok {
				t.Fatalf("%T takes no batches", p.Nodes[0].Service)
			}
			batch := []*flow.Context{flow.NewContext(map[string]any{"n": 1}), flow.NewContext(nil), flow.NewContext(map[string]any{"n": 3.0})}
			got := p.Rules.Split(bs.CallBatch(context.Background(), batch), len(batch))
			for i, want := range tc.want {
				sq, set := batch[i].Get("sq")
				switch {
				case want == nil && (got[i] != nil || !set || sq != (i+1)*(i+1)):
					t.Errorf("input %d: err %v, sq %v; want done with %d", i, got[i], sq, (i+1)*(i+1))
				case want != nil && (!errors.Is(got[i], want) || set):
					t.Errorf("input %d: err %v, sq set %v; want an error matching %v, sq unset", i, got[i], set, want)
				}
			}
		})
	}
}

func TestBatchDeclaresKeysAndPolicy(t *testing.T) {
	type in struct {
		ID int `flow:"id"`
	}
	type out struct {
		Row int `flow:"row"`
	}
	typed := flow.TypedBatch("insert", func(_ context.Context, ins []in) ([]out, error) { return make([]out, len(ins)), nil },
		flow.MaxBatch(500), flow.MaxWait(20*time.Millisecond), flow.Concurrency(2))
	fn := flow.Batch("notify", func(context.Context, []*flow.Context) error { return nil }, flow.Expects("row"), flow.MaxWait(0))
	f := flow.New(typed, fn)
	if err := f.Validate("id"); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := flow.New(typed).Validate(); err == nil || !strings.Contains(err.Error(), `expects key "id"`) {
		t.Errorf("Validate without id = %v, want the missing key", err)
	}
	p, err := engine.Compile[*flow.Flow, *flow.Context](f)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		size int
		wait time.Duration
	}{{500, 20 * time.Millisecond}, {engine.DefaultBatchSize, 0}} {
		b := p.Nodes[i].Config.Batch
		if !b.Batched() || b.Size != want.size || b.Wait != want.wait {
			t.Errorf("node %d: policy %+v (wait %v), want size %d, wait %v", i, b, b.Wait, want.size, want.wait)
		}
	}
	p, err = engine.Compile[*flow.Flow, *flow.Context](flow.New(flow.Stage(fn, flow.MaxBatch(3), flow.MaxWait(time.Second)), flow.Batch("plain", func(context.Context, []*flow.Context) error { return nil })))
	if err != nil {
		t.Fatal(err)
	}
	if b := p.Nodes[0].Config.Batch; b.Size != 3 || b.Wait != time.Second {
		t.Errorf("restaged: policy %+v, want size 3, wait 1s", b)
	}
	if d := p.Nodes[1].Config.Batch.Wait; d != engine.DefaultBatchWait {
		t.Errorf("default wait = %v", d)
	}
}

func TestValidateRejectsMaxBatchOnAPlainService(t *testing.T) {
	f := flow.New(flow.Stage(noop("one-by-one"), flow.MaxBatch(10)))
	err := f.Validate()
	var we *flow.WiringError
	if !errors.As(err, &we) || !strings.Contains(we.Msg, "MaxBatch") || we.Stage != "one-by-one" {
		t.Fatalf("Validate = %v, want a not-batchable WiringError for one-by-one", err)
	}
	// It still runs, one input at a time.
	if _, err := f.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func fastPolicy() flow.Policy {
	fast := backoff.Exponential{Initial: time.Microsecond, Max: time.Millisecond}
	return flow.Policy{MaxAttempts: 3, Backoff: fast, MaxRedeliveries: 3, RestartBackoff: fast}
}
