package flowfile_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/internal/engine"
)

func TestGoodFiles(t *testing.T) {
	for _, tc := range []struct {
		file   string
		input  map[string]any
		status flow.Status
		want   map[string]any
	}{
		{"minimal.yaml", map[string]any{"name": "Ann"}, flow.Done, map[string]any{"message": "hello, Ann"}},
		{"anchors.yaml", map[string]any{"a": 3, "b": 4}, flow.Done, map[string]any{"sum": 7, "product": 12}},
		{"orders.yaml", map[string]any{"line": "book,12.5,2", "customer": "c1"}, flow.Done,
			map[string]any{"kind": "book", "qty": 2, "price": 12.5, "shipping": 5, "tax": 1.25, "total": 31.25}},
		{"orders.yaml", map[string]any{"line": "digital,10,1", "customer": "c1"}, flow.Done,
			map[string]any{"shipping": 0, "total": 12.0}},
		{"orders.yaml", map[string]any{"line": "toy,10,1", "customer": "c2"}, flow.Done,
			map[string]any{"shipping": 10, "total": 20.0}},
		{"orders.yaml", map[string]any{"line": "book,10,0", "customer": "c3"}, flow.Stopped, nil},
		{"orders.yaml", map[string]any{"line": "book,ten,1", "customer": "c4"}, flow.Done,
			map[string]any{"failed_at": "parse"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := flowfile.LoadFile(filepath.Join("testdata", "good", tc.file), nil)
			if err != nil {
				t.Fatalf("Load:\n%v", err)
			}
			if err := f.Validate(); err != nil {
				t.Fatalf("Validate:\n%v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			defer f.Flow.Stop(ctx)
			c, err := f.Flow.Run(ctx, tc.input)
			status := flow.Done
			switch {
			case errors.Is(err, flow.ErrStopped):
				status = flow.Stopped
			case err != nil:
				status = flow.Failed
			}
			if status != tc.status {
				t.Fatalf("status %v (%v), want %v; values %v", status, err, tc.status, c)
			}
			for k, want := range tc.want {
				if got, _ := c.Get(k); !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v (values %v)", k, got, want, c)
				}
			}
		})
	}
}

func TestOrdersSettings(t *testing.T) {
	f, err := flowfile.LoadFile(filepath.Join("testdata", "good", "orders.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "orders" || f.MaxInFlight != 256 || !reflect.DeepEqual(f.Inputs, []string{"line", "customer"}) {
		t.Errorf("name %q, max_in_flight %d, inputs %v", f.Name, f.MaxInFlight, f.Inputs)
	}
	if f.InputTypes["line"] != "string" {
		t.Errorf("input types %v", f.InputTypes)
	}
	if f.Retry.MaxAttempts != 4 || f.Retry.Backoff.Initial != 5*time.Millisecond || f.Retry.Backoff.Max != 100*time.Millisecond {
		t.Errorf("retry %+v", f.Retry)
	}
	want := flowfile.Supervision{Strategy: "one-for-one", MaxRestarts: 20, Within: 10 * time.Second,
		Initial: 10 * time.Millisecond, Max: time.Second, MaxRedeliveries: 3}
	if f.Supervision != want {
		t.Errorf("supervision %+v, want %+v", f.Supervision, want)
	}
	if spec := f.Supervision.Spec(); spec.MaxRestarts != 20 || spec.Backoff.Max != time.Second {
		t.Errorf("spec %+v", spec)
	}
	if p, err := engine.Compile[*flow.Flow, *flow.Context](f.Flow); err != nil || p.MaxAttempts != 4 || p.Redeliveries != 3 {
		t.Errorf("program policies: %v %+v", err, p)
	}
}

func TestZeroMeansNone(t *testing.T) {
	f, err := flowfile.Load("z.yaml", []byte("supervision: {max_restarts: 0, max_redeliveries: 0, strategy: Rest_For_One}\nsteps: [{service: log}]\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Supervision; s.MaxRestarts >= 0 || s.MaxRedeliveries >= 0 || s.Strategy != "rest-for-one" {
		t.Errorf("supervision %+v: a written 0 must mean none", s)
	}
}
