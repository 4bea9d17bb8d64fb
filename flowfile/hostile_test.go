package flowfile_test

import (
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/flowfile"
)

func TestHostileFiles(t *testing.T) {
	var laughs strings.Builder
	laughs.WriteString("x-a: &a [x,x,x,x,x,x,x,x,x,x]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g"} {
		laughs.WriteString("x-" + n + ": &" + n + " [" + strings.Repeat("*"+prev+",", 9) + "*" + prev + "]\n")
		prev = n
	}
	laughs.WriteString("steps:\n  - service: set\n    with: {values: {v: *g}}\n")
	for name, tc := range map[string]struct{ data, want string }{
		"billion laughs": {laughs.String(), "too many values"},
		"deep nesting":   {"steps:\n  - service: set\n    with: {values: {v: " + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "}}\n", "nested"},
		"alias loop":     {"steps: &s\n  - service: set\n    with: {values: {v: *s}}\n", ""},
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := flowfile.Load("h.yaml", []byte(tc.data), nil)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
