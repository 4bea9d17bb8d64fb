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
