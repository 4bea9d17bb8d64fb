package cli_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Every result line names the input line it came from, so a user can match
// outputs to inputs; malformed and blank lines shift nothing.
func TestResultsNameTheirInputLine(t *testing.T) {
	var in strings.Builder
	want := map[int]int{} // input line → the value of n on it
	for line := 1; line <= 300; line++ {
		switch line % 50 {
		case 7:
			in.WriteString("{not json\n")
		case 8:
			in.WriteString("\n")
		default:
			fmt.Fprintf(&in, `{"n": %d, "kind": "%s"}`+"\n", line*10, []string{"book", "digital", "vinyl"}[line%3])
			want[line] = line * 10
		}
	}
	r := execute(t, in.String(), "run", "testdata/fork.yaml", "--ui", "off")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	seen := 0
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var res struct {
			Line   int            `json:"line"`
			Values map[string]any `json:"values"`
		}
		if err := json.Unmarshal([]byte(l), &res); err != nil {
			t.Fatal(err)
		}
		n, ok := want[res.Line]
		if !ok || res.Values["n"] != float64(n) {
			t.Fatalf("result says line %d with n=%v; line %d had n=%d (%v)", res.Line, res.Values["n"], res.Line, n, ok)
		}
		delete(want, res.Line)
		seen++
	}
	if len(want) != 0 || seen == 0 {
		t.Fatalf("%d inputs without a result line, %d results", len(want), seen)
	}
}
