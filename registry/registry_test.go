package registry_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

func build(t *testing.T, name string, with map[string]any) flow.Service {
	t.Helper()
	svc, err := registry.Builtin().Build(name, registry.NewParams(with, registry.FlowInfo{}))
	if err != nil {
		t.Fatalf("Build(%s): %v", name, err)
	}
	return svc
}

func buildErr(t *testing.T, name string, with map[string]any, info registry.FlowInfo) error {
	t.Helper()
	_, err := registry.Builtin().Build(name, registry.NewParams(with, info))
	if err == nil {
		t.Fatalf("Build(%s, %v): no error", name, with)
	}
	return err
}

func wantContains(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

func keys(t *testing.T, s flow.Service) (expects, promises []string) {
	t.Helper()
	expects, promises, ok := flow.KeysOf(s)
	if !ok {
		t.Fatalf("%T declares no keys", s)
	}
	return expects, promises
}

func TestZeroRegistry(t *testing.T) {
	var r registry.Registry
	if len(r.Names()) != 0 {
		t.Fatal("zero registry not empty")
	}
	r.Register("hello", registry.Spec{Build: func(registry.Params) (flow.Service, error) {
		return flow.Func("hello", func(context.Context, *flow.Context) error { return nil }), nil
	}})
	if _, ok := r.Lookup("hello"); !ok {
		t.Fatal("Lookup after Register failed")
	}
	if _, err := r.Build("hello", registry.Params{}); err != nil {
		t.Fatal(err)
	}
}

func TestRegisterPanics(t *testing.T) {
	ok := registry.Spec{Build: func(registry.Params) (flow.Service, error) { return nil, nil }}
	for name, fn := range map[string]func(r *registry.Registry){
		"empty name": func(r *registry.Registry) { r.Register(" ", ok) },
		"duplicate":  func(r *registry.Registry) { r.Register("a", ok); r.Register("a", ok) },
		"no build":   func(r *registry.Registry) { r.Register("b", registry.Spec{}) },
		"dup param": func(r *registry.Registry) {
			r.Register("c", registry.Spec{Build: ok.Build, Params: []registry.Param{{Name: "x"}, {Name: "x"}}})
		},
		"dup decorator": func(r *registry.Registry) {
			d := registry.DecoratorSpec{Build: func(registry.Params) (flow.Decorator, error) { return nil, nil }}
			r.RegisterDecorator("d", d)
			r.RegisterDecorator("d", d)
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			fn(registry.New())
		})
	}
}

func TestBuildErrors(t *testing.T) {
	r := registry.Builtin()
	_, err := r.Build("nope", registry.Params{})
	wantContains(t, err, `unknown service "nope"`, "known: append, chaos, delete, expr, filter, http, log, rename, set, sleep")
	_, err = r.BuildDecorator("nope", registry.Params{})
	wantContains(t, err, `unknown decorator "nope"`, "known: catch, timer")

	err = buildErr(t, "sleep", map[string]any{"fro": "1s"}, registry.FlowInfo{})
	wantContains(t, err, `parameter "fro": unknown parameter; known: for`, `parameter "for": missing required parameter`)
	var pe *registry.ParamError
	if !errors.As(err, &pe) {
		t.Fatalf("%T is not a *ParamError", err)
	}

	err = buildErr(t, "sleep", map[string]any{"for": 10}, registry.FlowInfo{})
	wantContains(t, err, `want a duration with a unit, like "10ms"`)
}

func TestDefaultsApplied(t *testing.T) {
	var got string
	r := registry.New()
	r.Register("greet", registry.Spec{
		Params: []registry.Param{{Name: "who", Default: "world"}},
		Build: func(p registry.Params) (flow.Service, error) {
			got, _ = p.String("who")
			return flow.Func("greet", func(context.Context, *flow.Context) error { return nil }), nil
		},
	})
	if _, err := r.Build("greet", registry.Params{}); err != nil {
		t.Fatal(err)
	}
	if got != "world" {
		t.Fatalf("who = %q, want the default", got)
	}
}

func TestDescribe(t *testing.T) {
	ds := registry.Builtin().Describe()
	if len(ds) != 12 {
		t.Fatalf("%d descriptions, want 12", len(ds))
	}
	var all strings.Builder
	for _, d := range ds {
		if d.Doc == "" {
			t.Errorf("%s has no doc", d.Name)
		}
		all.WriteString(d.String())
	}
	s := all.String()
	for _, want := range []string{"expr — service", "catch — decorator (around:)", "url        template           required", "expects: none; promises: none"} {
		if !strings.Contains(s, want) {
			t.Errorf("Describe output lacks %q:\n%s", want, s)
		}
	}
}
