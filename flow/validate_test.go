package flow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flow"
)

// svc declares the keys it reads and writes.
func svc(name string, expects, promises []string) flow.Service {
	return flow.Func(name, func(context.Context, *flow.Context) error { return nil },
		flow.Expects(expects...), flow.Promises(promises...))
}

func keys(k ...string) []string { return k }

func TestValidate(t *testing.T) {
	loop := flow.New()
	loop.Then(svc("x", nil, nil), loop)
	tests := []struct {
		name   string
		flow   *flow.Flow
		inputs []string
		want   []string // one substring per expected problem; none means valid
	}{
		{
			name:   "inputs and upstream promises satisfy",
			flow:   flow.New(svc("parse", keys("line"), keys("order")), svc("price", keys("order"), keys("total"))),
			inputs: keys("line"),
		},
		{
			name:   "missing input",
			flow:   flow.New(svc("parse", keys("line"), keys("order")), svc("price", keys("order", "rate"), nil)),
			inputs: keys("line"),
			want:   []string{`stage "price": expects key "rate", which is neither an input nor promised upstream on every path`},
		},
		{
			name: "key promised on one branch only is missing after the join",
			flow: flow.New(
				svc("parse", nil, keys("kind")),
				flow.Fork("kind", flow.Branches{
					"book":    flow.New(svc("weigh", nil, keys("weight", "price"))),
					"digital": flow.New(svc("license", nil, keys("price"))),
				}),
				svc("ship", keys("weight", "price"), nil),
			),
			want: []string{`stage "ship": expects key "weight"`, `only kind=book set it`},
		},
		{
			name: "default branch counts as a path",
			flow: flow.New(
				svc("parse", nil, keys("kind")),
				flow.Fork("kind", flow.Branches{"book": flow.New(svc("weigh", nil, keys("weight")))},
					flow.Default(flow.New(svc("guess", nil, nil)))),
				svc("ship", keys("weight"), nil),
			),
			want: []string{`stage "ship": expects key "weight"`},
		},
		{
			name: "every branch promising is enough",
			flow: flow.New(
				flow.Fork("kind", flow.Branches{
					"a": flow.New(svc("a", nil, keys("w"))),
					"b": flow.New(svc("b", nil, keys("w"))),
				}),
				svc("use", keys("w"), nil),
			),
			inputs: keys("kind"),
		},
		{
			name:   "branch sees keys from before the fork",
			flow:   flow.New(svc("p", nil, keys("x")), flow.Fork("k", flow.Branches{"a": flow.New(svc("a", keys("x", "y"), nil))})),
			inputs: keys("k"),
			want:   []string{`stage "a" (in k=a): expects key "y"`},
		},
		{
			name: "fork key never set",
			flow: flow.New(svc("p", nil, nil), flow.Fork("kind", flow.Branches{"a": flow.New(svc("a", nil, nil))})),
			want: []string{`stage "fork(kind)": forks on key "kind", which is never set`},
		},
		{
			name:   "duplicate names, empty branch, empty default, no branches",
			flow:   flow.New(svc("a", nil, nil), flow.Fork("k", flow.Branches{"x": flow.New()}, flow.Default(flow.New())), flow.Fork("j", nil), svc("a", nil, nil)),
			inputs: keys("k", "j"),
			want:   []string{`stage "fork(k)" (in k=x): branch k=x is empty`, `the default branch is empty`, `stage "fork(j)": has no branches`, `stage "a": another stage on the same path has this name (at the main line)`},
		},
		{
			name: "the same name in sibling branches is fine, not on one path",
			flow: flow.New(flow.Fork("k", flow.Branches{
				"x": flow.New(svc("set", nil, nil)),
				"y": flow.New(svc("set", nil, nil), flow.Fork("j", flow.Branches{"z": flow.New(svc("set", nil, nil))})),
			})),
			inputs: keys("k", "j"),
			want:   []string{`stage "set" (in k=y/j=z): another stage on the same path has this name (at k=y)`},
		},
		{
			name: "empty flow",
			flow: flow.New(),
			want: []string{`flow "flow" has no steps`},
		},
		{
			name: "nil step and self-containing flow",
			flow: flow.New(nil, loop),
			want: []string{"nil service at the main line", "contains itself"},
		},
		{
			name:   "undeclared service may set anything",
			flow:   flow.New(flow.Func("opaque", func(context.Context, *flow.Context) error { return nil }), svc("use", keys("anything"), nil)),
			inputs: nil,
		},
		{
			name: "typed services declare their keys",
			flow: flow.New(flow.Typed("t", func(context.Context, struct {
				A int `flow:"a"`
				B int `flow:"b,optional"`
			}) (struct {
				C int `flow:"c"`
			}, error) {
				return struct {
					C int `flow:"c"`
				}{}, nil
			}), svc("u", keys("c", "d"), nil)),
			inputs: keys("d"),
			want:   []string{`stage "t": expects key "a"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.flow.Validate(tt.inputs...)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want %d problems", len(tt.want))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate error lacks %q; got:\n%v", w, err)
				}
			}
			var we *flow.WiringError
			if !errors.As(err, &we) && !strings.Contains(err.Error(), "nil service") {
				t.Errorf("no *flow.WiringError in %v", err)
			}
		})
	}
}

// problem names the kind of we: the sentinel it matches, else its message's.
func problem(we *flow.WiringError) string {
	switch {
	case errors.Is(we, flow.ErrDuplicateName):
		return "duplicate-name"
	case errors.Is(we, flow.ErrMissingKey) && strings.HasPrefix(we.Msg, "forks on key"):
		return "fork-key-never-set"
	case errors.Is(we, flow.ErrMissingKey):
		return "missing-key"
	case strings.Contains(we.Msg, "empty"):
		return "empty"
	case strings.Contains(we.Msg, "no branches"):
		return "no-branches"
	}
	return "other: " + we.Msg
}

func TestValidateKinds(t *testing.T) {
	f := flow.New(
		svc("a", keys("x"), nil),
		flow.Fork("k", flow.Branches{"e": flow.New(), "f": flow.New(svc("a", nil, nil))}),
		flow.Fork("j", nil),
		svc("a", nil, nil),
	)
	err := f.Validate("j")
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var we *flow.WiringError
		if errors.As(e, &we) {
			got = append(got, fmt.Sprintf("%s %s %q %d", problem(we), we.Stage, we.Path, we.Index))
		}
	}
	want := []string{
		`missing-key a "" 0`,
		`fork-key-never-set fork(k) "" 0`,
		`empty fork(k) "k=e" 0`,
		`no-branches fork(j) "" 0`,
		`duplicate-name a "k=f" 1`,
		`duplicate-name a "" 2`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
