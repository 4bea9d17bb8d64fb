package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/serviceflow/serviceflow/flow"
)

// problem is one way a case's result differs from what it wants, at the
// case file's entry that wants it.
type problem struct {
	at  pos
	msg string
}

// check compares a case's result with what it wants.
func check(w want, got resultLine) []problem {
	var ps []problem
	if statusName(w.status) != got.Status {
		ps = append(ps, problem{w.statusAt, fmt.Sprintf("status: want %s, got %s", statusName(w.status), got.Status)})
	}
	if w.hasStage && got.Stage != w.stage {
		ps = append(ps, problem{w.stageAt, fmt.Sprintf("stage: want %q, got %q", w.stage, got.Stage)})
	}
	if w.hasErr && !strings.Contains(got.Error, w.errText) {
		ps = append(ps, problem{w.errAt, fmt.Sprintf("error: want one containing %q, got %q", w.errText, got.Error)})
	}
	if len(w.values) == 0 {
		return ps
	}
	values, err := contextValues(encodable(got.Values))
	if err != nil {
		return append(ps, problem{w.statusAt, fmt.Sprintf("values: cannot compare them: %v", err)})
	}
	for _, k := range slices.Sorted(maps.Keys(w.values)) {
		at := w.valuesAt[k]
		gv, ok := values[k]
		if !ok {
			ps = append(ps, problem{at, fmt.Sprintf("values.%s: want %s, got no such key", k, jsonText(w.values[k]))})
			continue
		}
		ps = diffValue(ps, at, "values."+k, w.values[k], gv)
	}
	return ps
}

// diffValue compares want with got: mappings as subsets (got may have more
// keys) at every level, lists element by element, numbers within a relative
// 1e-9 (so 0.1*6 is 0.6), everything else exactly.
func diffValue(ps []problem, at pos, path string, want, got any) []problem {
	differ := func() []problem {
		return append(ps, problem{at, fmt.Sprintf("%s: want %s, got %s", path, jsonText(want), jsonText(got))})
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return differ()
		}
		for _, k := range slices.Sorted(maps.Keys(w)) {
			gv, ok := g[k]
			if !ok {
				ps = append(ps, problem{at, fmt.Sprintf("%s.%s: want %s, got no such key", path, k, jsonText(w[k]))})
				continue
			}
			ps = diffValue(ps, at, path+"."+k, w[k], gv)
		}
		return ps
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return differ()
		}
		for i := range w {
			ps = diffValue(ps, at, fmt.Sprintf("%s[%d]", path, i), w[i], g[i])
		}
		return ps
	}
	if wn, ok := number(want); ok {
		if gn, ok := number(got); ok && closeTo(wn, gn) {
			return ps
		}
		return differ()
	}
	if !reflect.DeepEqual(want, got) {
		return differ()
	}
	return ps
}

// number is v as a float64 when it is a number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func closeTo(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// jsonText is v as compact JSON, for messages.
func jsonText(v any) string {
	b, err := json.Marshal(encodable(v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// resultOf is what Run returned as a result line: the status, stage and
// error the way run writes them.
func resultOf(c *flow.Context, err error) resultLine {
	st := flow.Done
	switch {
	case err == nil:
	case errors.Is(err, flow.ErrStopped):
		st = flow.Stopped
	default:
		st = flow.Failed
	}
	return toLine(flow.Result{Context: c, Status: st, Err: err})
}
