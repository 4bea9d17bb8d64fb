package registry_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/registry"
)

func buildTyped(t *testing.T, name string, with map[string]any, types map[string]any) (any, error) {
	t.Helper()
	return registry.Builtin().Build(name, registry.NewParams(with, registry.FlowInfo{KeyTypes: types}))
}

// TestUnknownFunction checks that a call of a function that does not
// exist is a build error at its column: with undefined variables allowed,
// expr compiled lenn(line) as a call of nil, which failed every input.
func TestUnknownFunction(t *testing.T) {
	for _, tc := range []struct {
		svc  string
		with map[string]any
		col  int
		want string
	}{
		{"expr", map[string]any{"set": map[string]any{"n": "lenn(line)"}}, 1, "unknown function lenn (did you mean len?)"},
		{"expr", map[string]any{"set": map[string]any{"n": "1 + frobnicate(x)"}}, 5, "unknown function frobnicate; see"},
		{"expr", map[string]any{"set": map[string]any{"n": "line | uper()"}}, 8, "unknown function uper (did you mean upper?)"},
		{"filter", map[string]any{"if": "lne(x) > 0"}, 1, "unknown function lne (did you mean len?)"},
	} {
		_, err := buildTyped(t, tc.svc, tc.with, nil)
		var pe *registry.ParamError
		if !errors.As(err, &pe) || pe.Column != tc.col || !strings.Contains(pe.Err.Error(), tc.want) {
			t.Errorf("%v: err = %v (column %d); want column %d, %q", tc.with, err, pe.Column, tc.col, tc.want)
		}
	}
	for _, ok := range []string{"len(line)", "let f = 1; f + len(x)", "map(xs, # * 2)", "upper(trim(s))", "now()"} {
		if _, err := buildTyped(t, "expr", map[string]any{"set": map[string]any{"n": ok}}, nil); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestKeyTypes(t *testing.T) {
	svc, err := buildTyped(t, "expr", map[string]any{"set": map[string]any{
		"fields": `split(line, ",")`, "price": "float(x)", "n": "int(x)", "ok": "x > 1", "name": "upper(s)",
		"unknown": "x", "zero": 0,
	}}, map[string]any{"line": ""})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k, v := range svc.(registry.KeyTyper).KeyTypes() {
		got[k] = reflect.TypeOf(v).String()
	}
	want := map[string]string{"fields": "[]string", "price": "float64", "n": "int", "ok": "bool", "name": "string", "zero": "int"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KeyTypes = %v, want %v", got, want)
	}
	set, _ := buildTyped(t, "set", map[string]any{"values": map[string]any{"a": 5, "b": "x", "c": nil}}, nil)
	if got := set.(registry.KeyTyper).KeyTypes(); !reflect.DeepEqual(got, map[string]any{"a": 5, "b": "x"}) {
		t.Errorf("set KeyTypes = %v", got)
	}
	ren, _ := buildTyped(t, "rename", map[string]any{"from": "a", "to": "b"}, map[string]any{"a": 0.0})
	if got := ren.(registry.KeyTyper).KeyTypes(); !reflect.DeepEqual(got, map[string]any{"b": 0.0}) {
		t.Errorf("rename KeyTypes = %v", got)
	}
}

func TestKeyUses(t *testing.T) {
	svc, err := buildTyped(t, "expr", map[string]any{"set": map[string]any{"total": "price * qty", "x": "y ?? 1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := svc.(registry.KeyUser).KeyUses()
	want := []registry.KeyUse{
		{Key: "price", Param: "set", Entry: "total", Line: 1, Column: 1},
		{Key: "qty", Param: "set", Entry: "total", Line: 1, Column: 9},
		{Key: "y", Param: "set", Entry: "x", Line: 1, Column: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KeyUses = %+v\nwant %+v", got, want)
	}
}

func TestExpressionSize(t *testing.T) {
	long := strings.Repeat("(", 10_000) + "1" + strings.Repeat(")", 10_000)
	_, err := buildTyped(t, "expr", map[string]any{"set": map[string]any{"n": long}}, nil)
	if err == nil || !strings.Contains(err.Error(), "at most 16384") {
		t.Errorf("err = %v", err)
	}
	ok := strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100)
	if _, err := buildTyped(t, "filter", map[string]any{"if": ok + " > 0"}, nil); err != nil {
		t.Error(err)
	}
}
