package flowfile_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/internal/engine"
)

func TestBatchStep(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.jsonl")
	src := `input: [id]
steps:
  - service: append
    name: store
    with: {path: ` + out + `, keys: [id]}
    batch: {size: 500, wait: 20ms}
  - service: append
    name: store-now
    with: {path: ` + out + `, keys: [id]}
    batch: {wait: 0s}
`
	f, err := flowfile.Load("batch.yaml", []byte(src), nil)
	if err != nil {
		t.Fatalf("Load:\n%v", err)
	}
	if err := f.Validate(); err != nil {
		t.Fatalf("Validate:\n%v", err)
	}
	p, err := engine.Compile[*flow.Flow, *flow.Context](f.Flow)
	if err != nil {
		t.Fatal(err)
	}
	// The program carries the policies with their defaults applied: wait 0s means none.
	for i, want := range []engine.BatchPolicy{{Size: 500, Wait: 20 * time.Millisecond}, {Size: engine.DefaultBatchSize, Wait: 0}} {
		if got := p.Nodes[i].Config.Batch; got != want {
			t.Errorf("%s: batch %+v, want %+v", p.Nodes[i].Name, got, want)
		}
	}
	ctx := context.Background()
	defer f.Flow.Stop(ctx)
	if _, err := f.Flow.Run(ctx, map[string]any{"id": 7}); err != nil {
		t.Fatal(err)
	}
	f.Flow.Stop(ctx)
	b, err := os.ReadFile(out)
	if err != nil || string(b) != "{\"id\":7}\n{\"id\":7}\n" {
		t.Errorf("file %q (%v)", b, err)
	}
}

func TestBatchStepErrors(t *testing.T) {
	src := `steps:
  - service: log
    batch: {size: 10}
  - service: append
    with: {path: x.jsonl}
    batch: {size: 0, wait: -1s, linger: 5ms}
  - service: append
    name: again
    with: {path: x.jsonl}
    batch: 100
`
	_, err := flowfile.Load("bad.yaml", []byte(src), nil)
	var msgs []string
	for _, e := range flowfile.Errors(err) {
		msgs = append(msgs, e.Error())
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{
		`bad.yaml:3:5: service "log" does not take batches; services that do: append, http`,
		`bad.yaml:6:19: batch.size must be at least 1, not 0`,
		`bad.yaml:6:28: batch.wait must not be negative`,
		`bad.yaml:6:33: unknown field "linger" in batch`,
		`bad.yaml:10:12: batch must be a mapping`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("messages lack %q:\n%s", want, got)
		}
	}
}
