package flowfile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flowfile"
)

func TestCheckInput(t *testing.T) {
	f, err := flowfile.Load("in.yaml", []byte(`input: {latency_ms: float, n: number, id: int, name: string, ok: bool, m: map, l: list, x: any}
steps:
  - service: expr
    with: {set: {slow: 'latency_ms > 100.5'}}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]any{"latency_ms": 12, "n": 2.5, "id": 3, "name": "a", "ok": true, "m": map[string]any{}, "l": []any{}, "x": nil, "extra": "y"}
	if err := f.CheckInput(good); err != nil {
		t.Fatal(err)
	}
	if good["latency_ms"] != 12.0 {
		t.Errorf("latency_ms = %#v, want the int converted to float64", good["latency_ms"])
	}
	if err := f.CheckInput(map[string]any{}); err != nil {
		t.Errorf("missing keys: %v (not a type error)", err)
	}
	for _, tc := range []struct {
		values map[string]any
		want   string
	}{
		{map[string]any{"latency_ms": "slow"}, `input "latency_ms" is declared float, found string "slow"`},
		{map[string]any{"id": 2.5}, `input "id" is declared int, found number 2.5`},
		{map[string]any{"name": nil}, `input "name" is declared string, found null`},
		{map[string]any{"ok": "true"}, `input "ok" is declared bool, found string "true"`},
		{map[string]any{"m": []any{}}, `input "m" is declared map, found an array`},
		{map[string]any{"l": map[string]any{}}, `input "l" is declared list, found an object`},
		{map[string]any{"id": "\x1b[2J" + strings.Repeat("é", 30)}, `input "id" is declared int, found string "\x1b[2J` + strings.Repeat("é", 18) + `…"`},
		{map[string]any{"latency_ms": "x", "id": "y"}, `input "latency_ms"`}, // the first, in the file's order
	} {
		err := f.CheckInput(tc.values)
		var ie *flowfile.InputError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("CheckInput(%v) = %v, want %q", tc.values, err, tc.want)
		}
	}
}

func TestCheckInputUntyped(t *testing.T) {
	f, err := flowfile.Load("in.yaml", []byte("input: [a]\n"+step), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CheckInput(map[string]any{"a": "anything"}); err != nil {
		t.Error(err)
	}
}
