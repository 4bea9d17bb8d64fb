package cli

import (
	"bytes"
	"fmt"
	"maps"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
)

// TestShapesMatchEncodingJSON writes contexts whose key sets change from
// one to the next the ways a stream's do (the same keys set in another
// order, one key more or less, a hidden key, more sets than the cache
// holds, back and forth) and checks each object against encoding/json's.
func TestShapesMatchEncodingJSON(t *testing.T) {
	build := func(keys ...string) *flow.Context {
		c := flow.NewContext(nil)
		for i, k := range keys {
			c.Set(k, fmt.Sprint(k, i))
		}
		return c
	}
	contexts := []*flow.Context{
		build("v", "s1", "s2"),
		build("v", "s1", "s2"),
		build("v", "s2", "s1"),
		build("v", "s1"),
		build("v", "s1", "s2", "s3"),
		build("v", "\x00t", "s1", "s2"),
		build(),
		build("é", "<a>", "a\"b"),
		build("x"), build("y"), build("z"), build("w"), build("u"),
		build("v", "s1", "s2"),
		build("x"),
		flow.NewContext(map[string]any{"b": 1, "a": 2, "c": 3}),
		flow.NewContext(map[string]any{"c": 1, "b": 2, "a": 3}),
	}
	var sh shapes
	for round := range 2 {
		for i, c := range contexts {
			got, err := sh.appendObject([]byte("x"), c)
			want := append([]byte("x"), referenceValues(t, visible(maps.Collect(c.All())))...)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("round %d, context %d: got %s (%v), want %s", round, i, got, err, want)
			}
		}
	}
}
