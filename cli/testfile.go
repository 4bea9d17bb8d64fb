package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/jsonl"
)

// A caseFile is a file of test cases for one flow file (flowrun test).
type caseFile struct {
	path  string // as given
	flow  string // the flow file's path, resolved against the case file's directory
	cases []*testCase
}

// A testCase is one input run through the flow with some steps mocked, and
// what it must come to.
type testCase struct {
	name  string
	at    pos
	input map[string]any
	mocks []mock
	want  want
}

// mock replaces the service of the steps named stage.
type mock struct {
	stage   string
	at      pos
	outputs map[string]any // set on success
	kind    string         // "", "stop", "retry", "fatal" or "error"
	msg     string         // the Stop reason or the error message
}

// want is what a case expects. Each field has the position of its entry,
// where a mismatch is reported.
type want struct {
	status   flow.Status
	statusAt pos
	values   map[string]any // a subset of the final values
	valuesAt map[string]pos // each key's position
	stage    string         // the stage that stopped or failed it
	stageAt  pos
	hasStage bool
	errText  string // a substring of its error
	errAt    pos
	hasErr   bool
}

type pos struct{ line, col int }

// maxCaseFileSize bounds a case file: it is read whole, and test cases are
// small.
const maxCaseFileSize = 4 << 20

var (
	caseFileFields = []string{"flow", "cases"}
	caseFields     = []string{"name", "input", "mock", "want"}
	mockFields     = []string{"outputs", "stop", "retry", "fatal", "error"}
	wantFields     = []string{"status", "values", "stage", "error"}
)

// caseParser reads one case file, collecting every problem with its
// file:line:column (as *flowfile.Error, like the flow files' problems).
type caseParser struct {
	file    string
	errs    []error
	anchors map[string]ast.Node
}

func (p *caseParser) errorf(at pos, format string, args ...any) {
	p.errs = append(p.errs, &flowfile.Error{File: p.file, Line: at.line, Col: at.col, Msg: fmt.Sprintf(format, args...)})
}

// loadCaseFile reads and checks the case file at path. Its problems are
// returned as one *flowfile.Error each, joined.
func loadCaseFile(path string) (*caseFile, []error) {
	p := &caseParser{file: path}
	start := pos{1, 1}
	info, err := os.Stat(path)
	if err == nil && info.Size() > maxCaseFileSize {
		p.errorf(start, "case file is %d bytes; at most %d", info.Size(), maxCaseFileSize)
		return nil, p.errs
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []error{err}
	}
	doc, err := parser.ParseBytes(data, 0)
	if err != nil {
		p.yamlError(err)
		return nil, p.errs
	}
	if len(doc.Docs) == 0 || doc.Docs[0] == nil || doc.Docs[0].Body == nil {
		p.errorf(start, "empty case file: want flow: and cases:")
		return nil, p.errs
	}
	var tree any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		p.yamlError(err)
		return nil, p.errs
	}
	if n := countValues(tree, maxCaseValues); n > maxCaseValues {
		p.errorf(start, "too many values (aliases expand to more than %d)", maxCaseValues)
		return nil, p.errs
	}
	p.anchors = map[string]ast.Node{}
	ast.Walk(anchorVisitor(p.anchors), doc.Docs[0].Body)
	cf := &caseFile{path: path}
	top := p.entries(entry{key: "a case file", at: start, val: doc.Docs[0].Body, dec: tree}, caseFileFields)
	if e, ok := top["flow"]; ok {
		if s, ok := p.str(e, "the flow file's path"); ok {
			cf.flow = filepath.Join(filepath.Dir(path), s)
		}
	} else {
		p.errorf(start, "missing flow: the path of the flow file the cases test, relative to this file")
	}
	if e, ok := top["cases"]; ok {
		seq, isSeq := p.strip(e.val).(*ast.SequenceNode)
		decs, _ := e.dec.([]any)
		if !isSeq || len(decs) != len(seq.Values) {
			p.errorf(posOf(e.val, e.at), "cases must be a list, not %s", describe(p.strip(e.val)))
		} else {
			names := map[string]bool{}
			for i, item := range seq.Values {
				if c := p.testCase(entry{key: "a case", at: posOf(item, e.at), val: item, dec: decs[i]}); c != nil {
					if names[c.name] {
						p.errorf(c.at, "two cases are named %q", c.name)
					}
					names[c.name] = true
					cf.cases = append(cf.cases, c)
				}
			}
		}
	} else {
		p.errorf(start, "missing cases: a list of test cases")
	}
	return cf, p.errs
}

// yamlError reports an error of the YAML parser or decoder at its position.
func (p *caseParser) yamlError(err error) {
	at, msg := pos{1, 1}, err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
			at = pos{tk.Position.Line, max(tk.Position.Column, 1)}
		}
	}
	p.errorf(at, "YAML: %s", msg)
}

func (p *caseParser) testCase(ce entry) *testCase {
	at := ce.at
	es := p.entries(ce, caseFields)
	if es == nil {
		return nil
	}
	c := &testCase{at: at, input: map[string]any{}}
	if e, ok := es["name"]; ok {
		c.name, _ = p.str(e, "a case name")
		c.at = e.at
	}
	if strings.TrimSpace(c.name) == "" {
		p.errorf(at, "a case needs a name:")
	}
	if e, ok := es["input"]; ok {
		if v, ok := p.object(e, "input"); ok {
			c.input = v
		}
	}
	if e, ok := es["mock"]; ok {
		for _, me := range p.entryList(e, nil) {
			if m, ok := p.mock(me); ok {
				c.mocks = append(c.mocks, m)
			}
		}
	}
	c.want = want{statusAt: at}
	if e, ok := es["want"]; ok {
		c.want = p.want(e)
	}
	return c
}

func (p *caseParser) mock(e entry) (mock, bool) {
	m := mock{stage: e.key, at: e.at}
	es := p.entryList(entry{key: "mock " + strconv.Quote(e.key), at: e.at, val: e.val, dec: e.dec}, mockFields)
	if es == nil {
		return m, false // reported
	}
	if len(es) != 1 {
		p.errorf(e.at, "mock %q: give exactly one of %s", e.key, strings.Join(mockFields, ", "))
		return m, false
	}
	f := es[0]
	switch f.key {
	case "outputs":
		v, ok := p.object(f, "outputs")
		m.outputs = v
		return m, ok
	default:
		s, ok := p.str(f, "a message")
		m.kind, m.msg = f.key, s
		return m, ok
	}
}

func (p *caseParser) want(e entry) want {
	w := want{statusAt: e.at}
	es := p.entries(e, wantFields)
	if e, ok := es["status"]; ok {
		w.statusAt = e.at
		if s, ok := p.str(e, "a status"); ok {
			st, known := map[string]flow.Status{"done": flow.Done, "stopped": flow.Stopped, "failed": flow.Failed}[s]
			if !known {
				p.errorf(posOf(e.val, e.at), "status %q: want done, stopped or failed", s)
			}
			w.status = st
		}
	}
	if e, ok := es["values"]; ok {
		w.values, _ = p.object(e, "values")
		w.valuesAt = map[string]pos{}
		for _, ve := range p.entryList(e, nil) {
			w.valuesAt[ve.key] = ve.at
		}
	}
	if e, ok := es["stage"]; ok {
		w.stage, w.hasStage = p.str(e, "a stage name")
		w.stageAt = e.at
	}
	if e, ok := es["error"]; ok {
		w.errText, w.hasErr = p.str(e, "a part of the error message")
		w.errAt = e.at
	}
	if w.status == flow.Done && (w.hasStage || w.hasErr) {
		p.errorf(w.statusAt, "want: stage and error are for stopped or failed inputs; give status: stopped or failed")
	}
	return w
}

// entry is one entry of a mapping.
type entry struct {
	key string
	at  pos // the key's position
	val ast.Node
	dec any // val as the YAML decoder gives it: aliases and merge keys resolved
}

// entries returns the entries of the mapping e holds, by key, reporting
// unknown keys (unless known is nil) and duplicates; nil when e holds no
// mapping. e.key names the mapping in messages.
func (p *caseParser) entries(e entry, known []string) map[string]entry {
	list := p.entryList(e, known)
	if list == nil {
		return nil
	}
	m := make(map[string]entry, len(list))
	for _, e := range list {
		m[e.key] = e
	}
	return m
}

func (p *caseParser) entryList(e entry, known []string) []entry {
	list := p.entryListDepth(e.val, e.at, e.key, known, 0)
	dec, _ := e.dec.(map[string]any)
	for i := range list {
		list[i].dec = dec[list[i].key]
	}
	return list
}

func (p *caseParser) entryListDepth(n ast.Node, at pos, what string, known []string, depth int) []entry {
	n = p.strip(n)
	var values []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	case *ast.NullNode, nil:
		return []entry{}
	default:
		p.errorf(posOf(n, at), "%s must be a mapping, not %s", what, describe(n))
		return nil
	}
	out, merged := []entry{}, []entry{}
	seen := map[string]bool{}
	for _, mv := range values {
		if mv == nil {
			continue
		}
		kp := posOf(mv.Key, posOf(mv, at))
		if mv.Key != nil && mv.Key.IsMergeKey() {
			if depth > 10 {
				continue // the decoder has the values; positions fall back
			}
			srcs := []ast.Node{p.strip(mv.Value)}
			if seq, ok := srcs[0].(*ast.SequenceNode); ok {
				srcs = seq.Values
			}
			for _, src := range srcs {
				merged = append(merged, p.entryListDepth(src, kp, what, known, depth+1)...)
			}
			continue
		}
		key := ""
		switch k := p.strip(mv.Key).(type) {
		case *ast.StringNode:
			key = k.Value
		case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
			key = k.GetToken().Value
		default:
			p.errorf(kp, "a key must be a plain string, not %s", describe(k))
			continue
		}
		if depth == 0 && what == "a case file" && strings.HasPrefix(key, "x-") {
			continue // an extension field: a place for anchors
		}
		if known != nil && !contains(known, key) {
			p.errorf(kp, "unknown field %q in %s; known: %s", key, what, strings.Join(known, ", "))
			continue
		}
		if seen[key] {
			p.errorf(kp, "duplicate key %q in %s", key, what)
			continue
		}
		seen[key] = true
		out = append(out, entry{key: key, at: kp, val: mv.Value})
	}
	for _, e := range merged { // explicit keys win over merged ones
		if !seen[e.key] {
			seen[e.key] = true
			out = append(out, e)
		}
	}
	return out
}

func (p *caseParser) str(e entry, what string) (string, bool) {
	switch v := p.strip(e.val).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, true
	}
	p.errorf(posOf(e.val, e.at), "%s must be %s, not %s", e.key, what, describe(p.strip(e.val)))
	return "", false
}

// object converts the mapping e holds to the values a context holds,
// exactly as the CLI decodes a JSON input line (integral numbers int,
// others float64).
func (p *caseParser) object(e entry, what string) (map[string]any, bool) {
	if e.dec == nil {
		return map[string]any{}, true
	}
	v, ok := e.dec.(map[string]any)
	if !ok {
		p.errorf(posOf(e.val, e.at), "%s must be a mapping, not %s", what, describe(p.strip(e.val)))
		return nil, false
	}
	m, err := contextValues(v)
	if err != nil {
		p.errorf(posOf(e.val, e.at), "%s: %v", what, err)
		return nil, false
	}
	return m, true
}

// contextValues converts v to the values a context holds when its input is
// decoded from JSON, so that a case's values compare with a run's.
func contextValues(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonl.Decode(data)
}

// strip removes anchors, aliases and tags around n.
func (p *caseParser) strip(n ast.Node) ast.Node {
	for range 100 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			if v.Value == nil || v.Value.GetToken() == nil || p.anchors[v.Value.GetToken().Value] == nil {
				return n // the decoder has reported an unknown alias
			}
			n = p.anchors[v.Value.GetToken().Value]
		case *ast.TagNode:
			n = v.Value
		case *ast.MappingKeyNode:
			n = v.Value
		default:
			return n
		}
	}
	return n
}

// anchorVisitor records every anchor of a document.
type anchorVisitor map[string]ast.Node

func (a anchorVisitor) Visit(n ast.Node) ast.Visitor {
	if an, ok := n.(*ast.AnchorNode); ok && an.Name != nil && an.Name.GetToken() != nil {
		a[an.Name.GetToken().Value] = an.Value
	}
	return a
}

// maxCaseValues bounds the values of a case file, aliases expanded.
const maxCaseValues = 1_000_000

// countValues counts the values in v, aliases expanded, stopping past limit.
func countValues(v any, limit int) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if n++; n > limit {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return n
}

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

// describe names what n is, for "must be X, not Y" messages.
func describe(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "empty (null)"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode:
		return "the number " + n.GetToken().Value
	case *ast.BoolNode:
		return "the boolean " + n.GetToken().Value
	}
	return "a " + strings.ToLower(n.Type().String())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
