package flowfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/serviceflow/serviceflow/internal/jsonnum"
)

// Aliases can make a small file expand exponentially ("billion laughs"):
// the loader counts the values and bytes it produces (MaxValues,
// MaxExpandedSize) and the depth it descends (MaxDepth).
const (
	maxDepth  = MaxDepth
	maxValues = MaxValues
)

type pos struct{ line, col int }

// posOf is n's position, or fallback when n has none.
func posOf(n ast.Node, fallback pos) pos {
	if n == nil {
		return fallback
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil || tk.Position.Line < 1 {
		return fallback
	}
	return pos{tk.Position.Line, max(tk.Position.Column, 1)}
}

// resolve strips anchors, aliases and tags from n. It returns ok false,
// after reporting, for an unknown alias or too many expansions.
func (l *loader) resolve(n ast.Node, at pos) (ast.Node, bool) {
	for range maxDepth {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			name := ""
			if v.Value != nil && v.Value.GetToken() != nil {
				name = v.Value.GetToken().Value
			}
			target, ok := l.anchors[name]
			if !ok {
				l.errorf(posOf(n, at), "unknown alias *%s", name)
				return nil, false
			}
			l.values++
			if l.values > maxValues {
				l.errorf(posOf(n, at), "too many values (aliases expand to more than %d)", maxValues)
				return nil, false
			}
			n = target
		case *ast.TagNode:
			n = v.Value
		case *ast.MappingKeyNode:
			n = v.Value
		default:
			return n, true
		}
	}
	l.errorf(posOf(n, at), "aliases nested too deeply")
	return nil, false
}

// anchorCollector records every anchor of a document.
type anchorCollector map[string]ast.Node

func (a anchorCollector) Visit(n ast.Node) ast.Visitor {
	if an, ok := n.(*ast.AnchorNode); ok && an.Name != nil && an.Name.GetToken() != nil {
		a[an.Name.GetToken().Value] = an.Value
	}
	return a
}

// kv is one entry of a mapping.
type kv struct {
	key string
	at  pos // the key's position
	val ast.Node
}

// entries returns the entries of a mapping, merge keys (<<) applied and
// keys checked to be scalars; ok is false, after reporting, when n is not a
// mapping.
func (l *loader) entries(n ast.Node, at pos, what string) ([]kv, bool) {
	return l.entriesDepth(n, at, what, 0)
}

func (l *loader) entriesDepth(n ast.Node, at pos, what string, depth int) ([]kv, bool) {
	n, ok := l.resolve(n, at)
	if !ok {
		return nil, false
	}
	if depth > maxDepth {
		l.errorf(posOf(n, at), "merge keys nested too deeply")
		return nil, false
	}
	var values []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	case *ast.NullNode, nil:
		return nil, true // an empty mapping
	default:
		l.errorf(posOf(n, at), "%s must be a mapping, not %s", what, l.describe(n, at))
		return nil, false
	}
	var out, merged []kv
	seen := map[string]bool{}
	for _, mv := range values {
		if mv == nil {
			continue
		}
		kp := posOf(mv.Key, posOf(mv, at))
		if mv.Key != nil && mv.Key.IsMergeKey() {
			for _, src := range l.mergeSources(mv.Value, kp) {
				es, _ := l.entriesDepth(src, kp, "a merged value", depth+1)
				merged = append(merged, es...)
			}
			continue
		}
		key, ok := l.keyString(mv.Key, kp)
		if !ok {
			continue
		}
		if seen[key] {
			l.errorf(kp, "duplicate key %q in %s", key, what)
			continue
		}
		seen[key] = true
		out = append(out, kv{key: key, at: kp, val: mv.Value})
	}
	for _, e := range merged { // explicit keys win over merged ones
		if !seen[e.key] {
			seen[e.key] = true
			out = append(out, e)
		}
	}
	return out, true
}

func (l *loader) mergeSources(n ast.Node, at pos) []ast.Node {
	n, ok := l.resolve(n, at)
	if !ok {
		return nil
	}
	if s, ok := n.(*ast.SequenceNode); ok {
		return s.Values
	}
	return []ast.Node{n}
}

func (l *loader) keyString(k ast.Node, at pos) (string, bool) {
	n, ok := l.resolve(k, at)
	if !ok {
		return "", false
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return n.GetToken().Value, true
	}
	l.errorf(posOf(n, at), "a key must be a plain string, not %s", l.describe(n, at))
	return "", false
}

func (l *loader) describeValue(e kv) string {
	n, _ := l.resolve(e.val, e.at)
	return l.describe(n, e.at)
}

// describe names what n is, for "must be X, not Y" messages.
func (l *loader) describe(n ast.Node, at pos) string {
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return "empty (null)"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode:
		s := v.Value
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return fmt.Sprintf("the string %q", s)
	case *ast.LiteralNode:
		return "a text block"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + n.GetToken().Value
	case *ast.BoolNode:
		return "the boolean " + n.GetToken().Value
	}
	return "a " + strings.ToLower(n.Type().String())
}

// value converts n into what a JSON decoder would give: string, int,
// float64, bool, nil, []any, map[string]any.
func (l *loader) value(n ast.Node, at pos, depth int) (any, bool) {
	if depth > maxDepth {
		l.errorf(posOf(n, at), "values nested more than %d deep", maxDepth)
		return nil, false
	}
	l.values++
	if l.values > maxValues {
		if l.values == maxValues+1 {
			l.errorf(posOf(n, at), "too many values (more than %d, aliases expanded)", maxValues)
		}
		return nil, false
	}
	if t, ok := n.(*ast.TagNode); ok && t.Start != nil && t.Start.Value == "!!str" {
		if r, _ := l.resolve(t.Value, at); r != nil {
			if s, ok := r.(ast.ScalarNode); ok && s.GetToken() != nil {
				return s.GetToken().Value, l.produced(len(s.GetToken().Value), at)
			}
		}
	}
	n, ok := l.resolve(n, at)
	if !ok {
		return nil, false
	}
	at = posOf(n, at)
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.StringNode:
		return v.Value, l.produced(len(v.Value), at)
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, l.produced(len(v.Value.Value), at)
	case *ast.BoolNode:
		return v.Value, true
	case *ast.IntegerNode:
		if i, ok := jsonnum.Int(v.Value); ok { // the one rule for numbers
			return i, true
		}
		if u, ok := v.Value.(uint64); ok {
			return float64(u), true
		}
		l.errorf(at, "number %s out of range", v.GetToken().Value)
		return nil, false
	case *ast.FloatNode:
		return v.Value, true
	case *ast.InfinityNode:
		return v.Value, true
	case *ast.NanNode:
		return math.NaN(), true
	case *ast.SequenceNode:
		out := make([]any, 0, len(v.Values))
		ok := true
		for _, e := range v.Values {
			x, eok := l.value(e, at, depth+1)
			ok = ok && eok
			out = append(out, x)
		}
		return out, ok
	case *ast.MappingNode, *ast.MappingValueNode:
		es, ok := l.entries(n, at, "a value")
		if !ok {
			return nil, false
		}
		out := make(map[string]any, len(es))
		for _, e := range es {
			if !l.produced(len(e.key), e.at) {
				return nil, false
			}
			x, eok := l.value(e.val, e.at, depth+1)
			ok = ok && eok
			out[e.key] = x
		}
		return out, ok
	}
	l.errorf(at, "unsupported YAML here: %s", l.describe(n, at))
	return nil, false
}

// produced counts n bytes of strings and keys produced; past
// MaxExpandedSize it reports (once) and returns false.
func (l *loader) produced(n int, at pos) bool {
	l.bytes += n
	if l.bytes <= MaxExpandedSize {
		return true
	}
	if l.bytes-n <= MaxExpandedSize {
		l.errorf(at, "values too large: more than %d MiB of strings and keys, aliases expanded", MaxExpandedSize>>20)
	}
	return false
}

// The scalar readers report a wrong kind of value and return ok false.

func (l *loader) str(e kv, what string) (string, bool) {
	n, ok := l.resolve(e.val, e.at)
	if !ok {
		return "", false
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value, true
		}
		return "", true
	}
	l.errorf(posOf(n, e.at), "%s must be %s, not %s", e.key, what, l.describe(n, e.at))
	return "", false
}

func (l *loader) integer(e kv, min, max int) (int, bool) {
	v, ok := l.value(e.val, e.at, 0)
	if !ok {
		return 0, false
	}
	i, isInt := v.(int)
	if !isInt {
		l.errorf(posOf(e.val, e.at), "%s must be an integer, not %s", e.key, l.describeValue(e))
		return 0, false
	}
	if i < min {
		l.errorf(posOf(e.val, e.at), "%s must be at least %d, not %d", e.key, min, i)
		return 0, false
	}
	if i > max {
		l.errorf(posOf(e.val, e.at), "%s must be at most %d, not %d", e.key, max, i)
		return 0, false
	}
	return i, true
}

func (l *loader) number(e kv, lo, hi float64) (float64, bool) {
	v, ok := l.value(e.val, e.at, 0)
	if !ok {
		return 0, false
	}
	var f float64
	switch x := v.(type) {
	case int:
		f = float64(x)
	case float64:
		f = x
	default:
		l.errorf(posOf(e.val, e.at), "%s must be a number, not %s", e.key, l.describeValue(e))
		return 0, false
	}
	if !(f >= lo && f <= hi) {
		l.errorf(posOf(e.val, e.at), "%s must be between %v and %v, not %v", e.key, lo, hi, f)
		return 0, false
	}
	return f, true
}

func (l *loader) duration(e kv) (time.Duration, bool) {
	n, ok := l.resolve(e.val, e.at)
	if !ok {
		return 0, false
	}
	p := posOf(n, e.at)
	switch v := n.(type) {
	case *ast.StringNode:
		d, err := time.ParseDuration(strings.TrimSpace(v.Value))
		if err != nil {
			l.errorf(p, "%s: bad duration %q: want a number with a unit, like 150ms, 2s or 1m30s", e.key, v.Value)
			return 0, false
		}
		if d < 0 {
			l.errorf(p, "%s must not be negative, not %v", e.key, d)
			return 0, false
		}
		return d, true
	case *ast.IntegerNode:
		if v.GetToken().Value == "0" {
			return 0, true
		}
		l.errorf(p, "%s: bad duration %s: give a unit, like %sms or %ss", e.key, v.GetToken().Value, v.GetToken().Value, v.GetToken().Value)
		return 0, false
	}
	l.errorf(p, "%s must be a duration like 150ms, not %s", e.key, l.describe(n, e.at))
	return 0, false
}

// quoted reports whether the scalar n was written in quotes (its text
// starts one column after its position).
func quoted(n ast.Node) bool {
	tk := n.GetToken()
	return tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType)
}

// suggest returns ` (did you mean "x"?)` for a known name close to s.
func suggest(s string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		if d := distance(strings.ToLower(s), k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" || bestD > max(1, len(best)/3) {
		return ""
	}
	return " (did you mean " + strconv.Quote(best) + "?)"
}

// distance is the edit distance between a and b, a swap of neighbours
// counting as one edit (optimal string alignment).
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	pprev := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] { // a transposition
				cur[j] = min(cur[j], pprev[j-2]+1)
			}
		}
		pprev, prev, cur = prev, cur, pprev
	}
	return prev[len(b)]
}
