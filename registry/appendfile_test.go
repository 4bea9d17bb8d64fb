package registry_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

func appendService(t *testing.T, with map[string]any) (batchTaker, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.jsonl")
	if with == nil {
		with = map[string]any{}
	}
	with["path"] = path
	s := build(t, "append", with)
	bs, ok := s.(batchTaker)
	if !ok {
		t.Fatalf("%T takes no batches", s)
	}
	if err := s.(starter).Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.(stopper).Stop(context.Background()) })
	return bs, path
}

func lines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestAppendWritesABatchAsLines(t *testing.T) {
	s, path := appendService(t, nil)
	batch := batchOf(map[string]any{"id": 1, "total": 2.5}, map[string]any{"id": 2, "tags": []any{"a"}})
	if err := s.CallBatch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	// One at a time (Call, as Run does) appends too.
	if err := s.Call(context.Background(), flow.NewContext(map[string]any{"id": 3})); err != nil {
		t.Fatal(err)
	}
	want := []string{`{"id":1,"total":2.5}`, `{"id":2,"tags":["a"]}`, `{"id":3}`}
	if got := lines(t, path); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("file:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAppendFailsUnwritableInputsAlone(t *testing.T) {
	s, path := appendService(t, map[string]any{"keys": []any{"id"}, "fsync": false})
	batch := batchOf(map[string]any{"id": 1, "skip": true}, map[string]any{"other": 1}, map[string]any{"id": math.Inf(1)}, map[string]any{"id": 4})
	errs := outcomes(s.CallBatch(context.Background(), batch), len(batch))
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("outcomes %v, want the first and last written", errs)
	}
	if !errors.Is(errs[1], flow.ErrMissingKey) {
		t.Errorf("input without id: %v, want ErrMissingKey", errs[1])
	}
	wantContains(t, errs[2], "encode")
	if got := strings.Join(lines(t, path), "|"); got != `{"id":1}|{"id":4}` {
		t.Errorf("file = %s", got)
	}
}

func TestAppendWriteFailureIsFatalAndReopens(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "out.jsonl")
	s := build(t, "append", map[string]any{"path": path})
	defer s.(stopper).Stop(context.Background())
	if err := s.(starter).Start(context.Background()); err == nil {
		t.Fatal("Start succeeded in a missing directory")
	}
	err := s.(batchTaker).CallBatch(context.Background(), batchOf(map[string]any{"id": 1}))
	if !errors.Is(err, flow.ErrFatal) {
		t.Fatalf("err = %v, want Fatal", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.(batchTaker).CallBatch(context.Background(), batchOf(map[string]any{"id": 2})); err != nil {
		t.Fatalf("after the directory appeared: %v", err)
	}
	if got := lines(t, path); len(got) != 1 || got[0] != `{"id":2}` {
		t.Errorf("file = %q", got)
	}
}

func TestAppendBuildErrors(t *testing.T) {
	err := buildErr(t, "append", map[string]any{"path": "", "fsync": "yes"}, registry.FlowInfo{})
	wantContains(t, err, `parameter "path"`, `parameter "fsync"`)
}

// batchTaker is a service that takes batches (see flow.Batch).
type batchTaker interface {
	flow.Service
	CallBatch(ctx context.Context, batch []*flow.Context) error
}

// outcomes is what err, returned by a batch call, means for each of its n
// inputs, as the runtime splits it.
func outcomes(err error, n int) []error {
	errs := make([]error, n)
	var be flow.BatchError
	switch {
	case err == nil:
	case errors.As(err, &be) && len(be) == n:
		copy(errs, be)
	default:
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}

// starter and stopper are services with a lifecycle (see flow.Service).
type (
	starter interface{ Start(context.Context) error }
	stopper interface{ Stop(context.Context) error }
)
