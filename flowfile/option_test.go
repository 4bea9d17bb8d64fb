package flowfile_test

import (
	"context"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/flowfile"
)

func TestReplaceServicesSwapsTheNamedStep(t *testing.T) {
	src := []byte(`
name: swap
input: [n]
steps:
  - service: set
    name: first
    with: {values: {a: 1}}
  - service: set
    with: {values: {b: 2}}
`)
	var seen []string
	f, err := flowfile.Load("swap.yaml", src, nil, flowfile.ReplaceServices(func(stage string, s flow.Service) flow.Service {
		seen = append(seen, stage)
		if stage != "first" {
			return s
		}
		return flow.Func("mock", func(_ context.Context, c *flow.Context) error {
			c.Set("a", "mocked")
			return nil
		})
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != "first" || seen[1] != "set" {
		t.Errorf("replace saw stages %q, want [first set]", seen)
	}
	c, err := f.Flow.Run(context.Background(), map[string]any{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := c.Get("a"); a != "mocked" {
		t.Errorf("a = %v, want the mock's value", a)
	}
	if b, _ := c.Get("b"); b != 2 {
		t.Errorf("b = %v, want 2 from the step left alone", b)
	}
}
