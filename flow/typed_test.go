package flow_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/jsonl"
)

type address struct {
	City string `json:"city"`
}

type typedIn struct {
	Name    string            `flow:"name"`
	Count   int               `flow:"count"`
	Tags    []string          `flow:"tags,optional"`
	Addr    address           `flow:"addr,optional"`
	Meta    map[string]any    `flow:"meta,optional"`
	Plain   bool              // untagged: bound from key "Plain", required
	Skipped chan int          `flow:"-"`
	hidden  int               //nolint:unused // unexported: ignored
	Scores  map[string]uint16 `flow:"scores,optional"`
}

type typedOut struct {
	Greeting string `flow:"greeting"`
	Maybe    string `flow:"maybe,omitempty"`
}

func greet() flow.Service {
	return flow.Typed("greet", func(_ context.Context, in typedIn) (typedOut, error) {
		g := strings.Repeat(in.Name+"!", min(max(in.Count, 0), 3)) + in.Addr.City + strings.Join(in.Tags, "+")
		if in.Plain {
			g += "."
		}
		return typedOut{Greeting: g}, nil
	})
}

func TestTypedBinding(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string // greeting, or the error text
		is    error
	}{
		{"exact types", `{"name":"a","count":2,"Plain":true}`, "a!a!.", nil},
		{"integral float binds to int", `{"name":"a","count":1.0,"Plain":false}`, "a!", nil},
		{"object to struct, array to slice", `{"name":"a","count":1,"Plain":false,"addr":{"city":"Oslo"},"tags":["x","y"]}`, "a!Oslox+y", nil},
		{"missing required", `{"name":"a","Plain":true}`, `missing key "count" (want int)`, flow.ErrMissingKey},
		{"wrong type", `{"name":"a","count":"two","Plain":true}`, `key "count": want int, found string "two"`, flow.ErrWrongType},
		{"fractional to int", `{"name":"a","count":1.5,"Plain":true}`, `want int, found float64 1.5: 1.5 is not integral`, flow.ErrWrongType},
		{"overflowing map value", `{"name":"a","count":1,"Plain":true,"scores":{"x":70000}}`, `key "scores": want map[string]uint16`, flow.ErrWrongType},
		{"null for a string", `{"name":null,"count":1,"Plain":true}`, `key "name": want string, found null`, flow.ErrWrongType},
	}
	f := flow.New(greet())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in map[string]any
			in, err := jsonl.Decode([]byte(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			out, err := f.Run(context.Background(), in)
			if tt.is == nil {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if g, _ := out.Get("greeting"); g != tt.want {
					t.Errorf("greeting = %q, want %q", g, tt.want)
				}
				if _, ok := out.Get("maybe"); ok {
					t.Error("omitempty output written")
				}
				return
			}
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `"greet"`) {
				t.Errorf("err = %v; want %v containing %q and the stage name", err, tt.is, tt.want)
			}
			if _, ok := out.Get("greeting"); ok {
				t.Error("outputs must not be merged when the call fails")
			}
		})
	}
}

func TestTypedDeclaresKeys(t *testing.T) {
	expects, promises, ok := flow.KeysOf(greet())
	if !ok {
		t.Fatal("a Typed service declares no keys")
	}
	if got, want := expects, []string{"name", "count", "Plain"}; !slices.Equal(got, want) {
		t.Errorf("Expects = %v, want %v", got, want)
	}
	if got, want := promises, []string{"greeting", "maybe"}; !slices.Equal(got, want) {
		t.Errorf("Promises = %v, want %v", got, want)
	}
}

func TestTypedOutputsOnlyOnSuccess(t *testing.T) {
	type out struct {
		X int `flow:"x"`
	}
	f := flow.New(flow.Typed("half", func(context.Context, struct{}) (out, error) {
		return out{X: 1}, errors.New("half done")
	}))
	c, err := f.Run(context.Background(), nil)
	if err == nil {
		t.Fatal("want error")
	}
	if _, ok := c.Get("x"); ok {
		t.Error("x merged despite the error")
	}
}

func TestTypedMisusePanics(t *testing.T) {
	tests := map[string]func(){
		"in not a struct": func() {
			flow.Typed("x", func(context.Context, int) (struct{}, error) { return struct{}{}, nil })
		},
		"out not a struct": func() {
			flow.Typed("x", func(context.Context, struct{}) (string, error) { return "", nil })
		},
		"unknown tag option": func() {
			type in struct {
				A int `flow:"a,sometimes"`
			}
			flow.Typed("x", func(context.Context, in) (struct{}, error) { return struct{}{}, nil })
		},
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(reflect.ValueOf(r).String(), `flow.Typed "x"`) {
					t.Errorf("recovered %v, want a panic naming the service", r)
				}
			}()
			fn()
		})
	}
}

// FuzzTypedBinding binds arbitrary JSON objects to a struct with many field
// kinds: it must never panic, and a failure must be a key error naming a key.
func FuzzTypedBinding(f *testing.F) {
	for _, s := range []string{`{"name":"a","count":1,"Plain":true}`, `{"count":1e300}`, `{"tags":[1,2]}`, `{"addr":"x"}`, `{"scores":{"a":-1}}`, `{"meta":[]}`} {
		f.Add([]byte(s))
	}
	svc := greet()
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := jsonl.Decode(data)
		if err != nil {
			return
		}
		c := flow.NewContext(m)
		err = svc.Call(context.Background(), c)
		keyErr := errors.Is(err, flow.ErrMissingKey) || errors.Is(err, flow.ErrWrongType)
		if err != nil && (!keyErr || !strings.Contains(err.Error(), `key "`)) {
			t.Fatalf("err = %v (%T), want ErrMissingKey or ErrWrongType naming a key", err, err)
		}
	})
}
