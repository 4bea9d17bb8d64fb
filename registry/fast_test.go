package registry

import (
	"fmt"
	"math"
	"testing"

	"github.com/expr-lang/expr"

	"github.com/serviceflow/serviceflow/flow"
)

// fastShapes are expressions of each fastForm shape and some of none.
var fastShapes = []string{
	"a", "a + 1", "a - b", "a * b", "a / b", "a / 0", "2 * a", "1.5 - a",
	"a < b", "a > 3", "a <= b", "a >= 2.5", "a == b", "a == 3",
	"a % b", "-a", "a + b + 1", "a ?? 1", `a + "x"`,
}

// fastValues are values an input may hold: numbers of both kinds, at the
// edges, and what JSON gives besides (plus a missing key, nil).
var fastValues = []any{
	nil, 0, 1, -7, 255, 256, 1000, math.MaxInt, math.MinInt, 0.0, 2.5, -0.5,
	math.Inf(1), math.NaN(), "3", true, []any{1}, map[string]any{"k": 1},
}

// An expression evaluated by its fastForm gives what expr's VM gives over a
// map of the same values, typed (the checker's opcodes, e.g. OpEqualInt)
// or not: the same value, or the same error when the VM must answer.
func TestFastFormIsTheVM(t *testing.T) {
	infos := []FlowInfo{{}, {KeyTypes: map[string]any{"a": 0, "b": 0}}, {KeyTypes: map[string]any{"a": 0.0, "b": 0}}}
	for _, info := range infos {
		for _, src := range fastShapes {
			e, err := compileExpr("set", "k", src, info, false)
			if err != nil {
				continue // the checker refuses it for these types (a + "x" with an int a)
			}
			vmProg, err := expr.Compile(src, expr.Env(info.KeyTypes), expr.AllowUndefinedVariables())
			if err != nil {
				t.Fatal(err)
			}
			evaluate(e)
			for _, a := range fastValues {
				for _, b := range []any{nil, 2, 0, 2.5, "s"} {
					in := map[string]any{"b": b}
					if a != nil {
						in["a"] = a
					}
					got, gotErr := e.eval(flow.NewContext(in))
					want, wantErr := e.result(expr.Run(vmProg, in))
					if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !same(got, want) {
						t.Errorf("typed %v, %s with a=%#v b=%#v: %#v, %v; the VM: %#v, %v", info.KeyTypes, src, a, b, got, gotErr, want, wantErr)
					}
				}
			}
		}
	}
}

// same is equality that holds for NaN and for values that are not comparable.
func same(x, y any) bool {
	if f, ok := x.(float64); ok && math.IsNaN(f) {
		g, ok := y.(float64)
		return ok && math.IsNaN(g)
	}
	return fmt.Sprintf("%T %#v", x, x) == fmt.Sprintf("%T %#v", y, y)
}

// The shapes that have a fastForm, so TestFastFormIsTheVM tests them.
func TestFastOf(t *testing.T) {
	for src, want := range map[string]bool{
		"a": true, "a + 1": true, "a * b": true, "2 * a": true, "a >= 2.5": true, "a == 3": true,
		"a % b": false, "-a": false, "a + b + 1": false, "a ?? 1": false, `a + "x"`: false, "len(c)": false,
	} {
		for _, info := range []FlowInfo{{}, {KeyTypes: map[string]any{"a": 0, "b": 0}}} {
			e, err := compileExpr("set", "k", src, info, false)
			if err != nil {
				continue
			}
			if got := e.fast != nil; got != want {
				t.Errorf("typed %v, %s: fast %v, want %v (bytecode %v)", info.KeyTypes != nil, src, got, want, e.prog.Bytecode)
			}
		}
	}
}

// FuzzFastForm is TestFastFormIsTheVM over any numbers and shapes:
// go test ./registry -run '^$' -fuzz FastForm -fuzztime 20s.
func FuzzFastForm(f *testing.F) {
	f.Add(uint8(1), true, int64(1000), 0.0, false, int64(0), 2.5, uint8(0))
	f.Add(uint8(4), false, int64(math.MaxInt64), 0.0, true, int64(-1), 0.0, uint8(1))
	type compiled struct{ e, vm *expression }
	cache := map[[2]uint8]compiled{}
	infos := []FlowInfo{{}, {KeyTypes: map[string]any{"a": 0, "b": 0}}, {KeyTypes: map[string]any{"a": 0.0, "b": 0}}}
	f.Fuzz(func(t *testing.T, shape uint8, aInt bool, ai int64, af float64, bInt bool, bi int64, bf float64, typing uint8) {
		k := [2]uint8{shape % uint8(len(fastShapes)), typing % uint8(len(infos))}
		c, ok := cache[k]
		if !ok {
			src, info := fastShapes[k[0]], infos[k[1]]
			e, err := compileExpr("set", "k", src, info, false)
			if err != nil {
				return // refused for these types
			}
			ref, _ := compileExpr("set", "k", src, info, false)
			evaluate(e)
			c = compiled{e, ref}
			cache[k] = c
		}
		in := map[string]any{"a": af, "b": bf}
		if aInt {
			in["a"] = int(ai)
		}
		if bInt {
			in["b"] = int(bi)
		}
		got, gotErr := c.e.eval(flow.NewContext(in))
		want, wantErr := c.vm.result(expr.Run(c.vm.prog, in))
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !same(got, want) {
			t.Errorf("%s over %v: %#v, %v; the VM: %#v, %v", c.e.src, in, got, gotErr, want, wantErr)
		}
	})
}
