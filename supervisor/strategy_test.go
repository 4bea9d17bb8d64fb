package supervisor

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestStrategyAffected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		s         Strategy
		failed, n int
		want      []int
	}{
		{"one-for-one first", OneForOne, 0, 4, []int{0}},
		{"one-for-one middle", OneForOne, 2, 4, []int{2}},
		{"all-for-one middle", AllForOne, 2, 4, []int{0, 1, 2, 3}},
		{"all-for-one single", AllForOne, 0, 1, []int{0}},
		{"rest-for-one first", RestForOne, 0, 4, []int{0, 1, 2, 3}},
		{"rest-for-one middle", RestForOne, 1, 4, []int{1, 2, 3}},
		{"rest-for-one last", RestForOne, 3, 4, []int{3}},
		{"unknown strategy is one-for-one", Strategy(42), 1, 3, []int{1}},
		{"failed out of range", AllForOne, 4, 4, nil},
		{"failed negative", RestForOne, -1, 4, nil},
		{"no children", OneForOne, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.s.Affected(tt.failed, tt.n); !slices.Equal(got, tt.want) {
				t.Errorf("%v.Affected(%d, %d) = %v, want %v", tt.s, tt.failed, tt.n, got, tt.want)
			}
		})
	}
}

func TestStrategyStringAndParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    Strategy
		text string
	}{
		{OneForOne, "one-for-one"},
		{AllForOne, "all-for-one"},
		{RestForOne, "rest-for-one"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := tt.s.String(); got != tt.text {
				t.Errorf("String() = %q, want %q", got, tt.text)
			}
			for _, in := range []string{tt.text, " " + tt.text + " ", toUpperSnake(tt.text)} {
				got, err := ParseStrategy(in)
				if err != nil || got != tt.s {
					t.Errorf("ParseStrategy(%q) = %v, %v; want %v", in, got, err, tt.s)
				}
			}
		})
	}
	if got := Strategy(7).String(); got != "Strategy(7)" {
		t.Errorf("Strategy(7).String() = %q", got)
	}
	if _, err := ParseStrategy("one-for-all"); err == nil {
		t.Error("ParseStrategy(one-for-all) succeeded, want an error")
	}
}

func toUpperSnake(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c == '-':
			b[i] = '_'
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestStrategyJSON(t *testing.T) {
	t.Parallel()
	var v struct{ S Strategy }
	if err := json.Unmarshal([]byte(`{"S":"rest-for-one"}`), &v); err != nil || v.S != RestForOne {
		t.Fatalf("Unmarshal = %v, %v", v.S, err)
	}
	out, err := json.Marshal(v)
	if err != nil || string(out) != `{"S":"rest-for-one"}` {
		t.Fatalf("Marshal = %s, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"S":"sometimes"}`), &v); err == nil {
		t.Error("Unmarshal of an unknown strategy succeeded")
	}
	if _, err := json.Marshal(struct{ S Strategy }{Strategy(9)}); err == nil {
		t.Error("Marshal of an invalid strategy succeeded")
	}
}
