package flowfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"

	"github.com/serviceflow/serviceflow/backoff"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
	"github.com/serviceflow/serviceflow/registry"
	"github.com/serviceflow/serviceflow/supervisor"
)

// File is a loaded flow file: its settings and the flow its steps build.
type File struct {
	Name        string            // the file's name: field; default the file name without extension
	Description string            // the description: field
	Inputs      []string          // the input: keys, in order
	InputTypes  map[string]string // the types given in an input: mapping (int, float, string, bool, map, list, any)
	MaxInFlight int               // 0 when not set: the runtime's default
	Retry       flow.Policy       // its retry: section (MaxAttempts, Backoff); set on Flow with the supervision's redeliveries
	Supervision Supervision
	Streams     Streams    // where inputs come from and results go, if the file says
	Flow        *flow.Flow // named Name, with Retry and the supervision's redelivery policy set

	path   string
	top    pos              // the steps: key, for problems of the whole flow
	stages map[stageAt]pos  // where each stage was defined
	byName map[string][]pos // the same, by name alone
	check  *flow.Flow       // Flow with a unique stage name per step, for Validate
	checks map[string]*stepInfo
	nsteps int
}

// stepInfo is what Validate knows of one step of the check flow.
type stepInfo struct {
	name     string // its stage name in Flow
	at       pos
	promises []string
	reads    map[string][]keyRead // where its parameters read each key
}

type keyRead struct {
	at           pos
	param, entry string
}

type stageAt struct{ path, name string }

// Supervision is the supervision: section, as written. The actor runtime
// maps it to its supervisor; Spec does that for package supervisor. Zero
// fields mean the runtime's defaults.
type Supervision struct {
	Strategy        string        // one-for-one, all-for-one or rest-for-one; "" for the default
	MaxRestarts     int           // restarts allowed within Within; 0 default, negative none (written 0)
	Within          time.Duration // the intensity window
	Initial, Max    time.Duration // the backoff between restarts
	MaxRedeliveries int           // redeliveries of one input; 0 default, negative none (written 0)
}

// Spec returns the supervision as a supervisor.Spec (a Strategy that does
// not parse is left at the default: Load has reported it). MaxRedeliveries
// is not part of it: Load sets it on the flow's restart policy, which both
// flow.Run and the actor runtime apply.
func (s Supervision) Spec() supervisor.Spec {
	st, _ := supervisor.ParseStrategy(s.Strategy)
	return supervisor.Spec{
		Strategy:    st,
		MaxRestarts: s.MaxRestarts,
		Within:      s.Within,
		Backoff:     backoff.Exponential{Initial: s.Initial, Max: s.Max},
	}
}

// LoadFile reads and loads the flow file at path; see Load.
func LoadFile(path string, reg *registry.Registry, opts ...Option) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	// Read one byte more than the limit, never the whole of a huge file.
	data, err := io.ReadAll(io.LimitReader(fd, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	return Load(path, data, reg, opts...)
}

// Load parses a flow file and builds its flow with the services of reg (nil
// means registry.Builtin()). name is used in error positions and as the
// default flow name. It reports every problem it finds at once, as *Error
// values joined (see Errors): YAML syntax, unknown or misspelt fields,
// unknown services, bad parameters, expressions that do not compile. It does
// not check the wiring between steps: call Validate for that.
func Load(name string, data []byte, reg *registry.Registry, opts ...Option) (f *File, err error) {
	if reg == nil {
		reg = registry.Builtin()
	}
	l := &loader{file: name, reg: reg}
	for _, o := range opts {
		o(l)
	}
	defer func() { // the YAML parser should not panic; if it does, say so
		if r := recover(); r != nil {
			f, err = nil, &Error{File: name, Line: 1, Col: 1, Msg: fmt.Sprintf("cannot parse this file (YAML parser panic: %v)", r)}
		}
	}()
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // a byte order mark, as package jsonl allows
	if !l.checkText(data) {
		return nil, joinSorted(l.errs)
	}
	tokens := lexer.Tokenize(string(data)) // linear; the parser is not, so check first
	if !l.checkShape(tokens) {
		return nil, joinSorted(l.errs)
	}
	doc, perr := parser.Parse(tokens, 0)
	if perr != nil {
		return nil, l.yamlError(perr)
	}
	f = l.load(doc)
	if len(l.errs) > 0 {
		return nil, joinSorted(l.errs)
	}
	return f, nil
}

func (l *loader) yamlError(err error) error {
	e := &Error{File: l.file, Line: 1, Col: 1}
	var ye yaml.Error
	if !errors.As(err, &ye) {
		e.Msg = err.Error()
	} else {
		// Not ye.Error(): it renders the source around the token, at a cost
		// that grows with the square of a long line's tokens.
		e.Msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
			e.Line, e.Col = tk.Position.Line, max(tk.Position.Column, 1)
		}
	}
	e.Msg = "YAML: " + e.Msg
	return e
}

type loader struct {
	file    string
	reg     *registry.Registry
	errs    []error
	anchors anchorCollector
	values  int // values converted, to bound alias expansion
	bytes   int // bytes of strings and keys converted, likewise
	info    registry.FlowInfo
	f       *File
	replace func(stage string, s flow.Service) flow.Service // see ReplaceServices

	checkStream func(field, url string) error // see CheckStreams
}

func (l *loader) errorf(p pos, format string, args ...any) {
	l.errs = append(l.errs, &Error{File: l.file, Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)})
}

var topFields = []string{"name", "description", "input", "max_in_flight", "retry", "supervision",
	"in", "out", "dead_letters", "checkpoint", "out_format", "steps"}

func (l *loader) load(file *ast.File) *File {
	start := pos{1, 1}
	var docs []*ast.DocumentNode
	for _, d := range file.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		l.errorf(start, "empty flow file: want a mapping with at least steps:")
		return nil
	}
	if len(docs) > 1 {
		l.errorf(posOf(docs[1].Body, start), "more than one YAML document: a flow file holds one flow")
	}
	l.anchors = anchorCollector{}
	ast.Walk(l.anchors, docs[0].Body)

	es, ok := l.entries(docs[0].Body, start, "a flow file")
	if !ok {
		return nil
	}
	f := &File{Name: strings.TrimSuffix(filepath.Base(l.file), filepath.Ext(l.file)), path: l.file, top: start,
		stages: map[stageAt]pos{}, byName: map[string][]pos{}, checks: map[string]*stepInfo{}}
	l.f = f
	byKey := map[string]kv{}
	for _, e := range es {
		if strings.HasPrefix(e.key, "x-") {
			continue // an extension field: a place for anchors
		}
		if !contains(topFields, e.key) {
			l.errorf(e.at, "unknown field %q in flow file%s; known: %s", e.key, suggest(e.key, topFields), strings.Join(topFields, ", "))
			continue
		}
		byKey[e.key] = e
	}
	// Settings first: the steps are built with what they say.
	if e, ok := byKey["name"]; ok {
		if s, ok := l.str(e, "a string"); ok && strings.TrimSpace(s) != "" {
			f.Name = s
		}
	}
	if e, ok := byKey["description"]; ok {
		f.Description, _ = l.str(e, "a string")
	}
	if e, ok := byKey["input"]; ok {
		l.inputs(e)
	}
	if e, ok := byKey["max_in_flight"]; ok {
		f.MaxInFlight, _ = l.integer(e, 1, InFlightLimit)
	}
	if e, ok := byKey["retry"]; ok {
		l.retry(e)
	}
	if e, ok := byKey["supervision"]; ok {
		l.supervision(e)
	}
	l.streams(byKey)
	e, ok := byKey["steps"]
	if !ok {
		l.errorf(start, "missing steps: a flow file needs a list of steps")
		return nil
	}
	f.top = e.at
	run, check := sequence(l.steps(e, ""))
	f.check = check.Named(f.Name)
	policy := f.Retry
	policy.MaxRedeliveries = f.Supervision.MaxRedeliveries
	policy.RestartBackoff = backoff.Exponential{Initial: f.Supervision.Initial, Max: f.Supervision.Max}
	f.Flow = run.Named(f.Name).WithPolicy(policy)
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// typeExamples maps the input types a flow file may give to example values
// expressions are type-checked against.
var typeExamples = map[string]any{
	"string": "", "int": 0, "float": 0.0, "number": 0.0, "bool": false,
	"map": map[string]any{}, "list": []any{}, "any": nil,
}

const typeNames = "string, int, float, number, bool, map, list, any"

func (l *loader) inputs(e kv) {
	f := l.f
	n, ok := l.resolve(e.val, e.at)
	if !ok {
		return
	}
	seen := map[string]bool{}
	add := func(key string, at pos) bool {
		if strings.TrimSpace(key) == "" {
			l.errorf(at, "input: empty key name")
			return false
		}
		if seen[key] {
			l.errorf(at, "input: key %q listed twice", key)
			return false
		}
		seen[key] = true
		f.Inputs = append(f.Inputs, key)
		return true
	}
	switch v := n.(type) {
	case *ast.SequenceNode:
		for _, item := range v.Values {
			if s, ok := l.str(kv{key: "an input key", at: posOf(item, e.at), val: item}, "a key name"); ok {
				add(s, posOf(item, e.at))
			}
		}
	case *ast.MappingNode, *ast.MappingValueNode:
		es, _ := l.entries(n, e.at, "input")
		f.InputTypes = map[string]string{}
		types := map[string]any{}
		for _, ie := range es {
			if !add(ie.key, ie.at) {
				continue
			}
			t, ok := l.str(ie, "a type ("+typeNames+")")
			if !ok {
				continue
			}
			t = strings.ToLower(strings.TrimSpace(t))
			ex, known := typeExamples[t]
			if !known {
				l.errorf(posOf(ie.val, ie.at), "input %q: unknown type %q%s; known: %s", ie.key, t, suggest(t, strings.Split(typeNames, ", ")), typeNames)
				continue
			}
			f.InputTypes[ie.key] = t
			if ex != nil {
				types[ie.key] = ex
			}
		}
		l.info.KeyTypes = types
	case *ast.StringNode:
		add(v.Value, posOf(n, e.at))
	case *ast.NullNode:
	default:
		l.errorf(posOf(n, e.at), "input must be a list of keys or a mapping of key: type, not %s", l.describe(n, e.at))
	}
}

var retryFields = []string{"attempts", "initial", "max", "multiplier", "jitter"}

func (l *loader) retry(e kv) {
	es, ok := l.entries(e.val, e.at, "retry")
	if !ok {
		return
	}
	r := &l.f.Retry
	for _, re := range es {
		key := re.key
		re.key = "retry." + key
		switch key {
		case "attempts":
			r.MaxAttempts, _ = l.integer(re, 1, AttemptsLimit)
		case "initial":
			r.Backoff.Initial, _ = l.duration(re)
		case "max":
			r.Backoff.Max, _ = l.duration(re)
		case "multiplier":
			r.Backoff.Multiplier, _ = l.number(re, 1, 1000)
		case "jitter":
			j, ok := l.number(re, 0, 1)
			if ok && j == 0 {
				j = -1 // written 0: no jitter (a zero Jitter means the default)
			}
			r.Backoff.Jitter = j
		default:
			re.key = key
			l.unknown(re, "retry", retryFields)
		}
	}
	if b := r.Backoff; b.Max > 0 && b.Initial > b.Max {
		l.errorf(e.at, "retry: initial (%v) is longer than max (%v)", b.Initial, b.Max)
	}
	l.info.RetryAttempts = engine.Attempts(r.MaxAttempts)
}

var supervisionFields = []string{"strategy", "max_restarts", "within", "initial", "max", "max_redeliveries"}

func (l *loader) supervision(e kv) {
	es, ok := l.entries(e.val, e.at, "supervision")
	if !ok {
		return
	}
	s := &l.f.Supervision
	for _, se := range es {
		key := se.key
		se.key = "supervision." + key
		switch key {
		case "strategy":
			if v, ok := l.str(se, "a strategy name"); ok {
				st, err := supervisor.ParseStrategy(v)
				if err != nil {
					l.errorf(posOf(se.val, se.at), "supervision.strategy: unknown strategy %q; known: one-for-one, all-for-one, rest-for-one", v)
					continue
				}
				s.Strategy = st.String()
			}
		case "max_restarts":
			if n, ok := l.integer(se, 0, RestartsLimit); ok {
				s.MaxRestarts = zeroMeansNone(n)
			}
		case "within":
			s.Within, _ = l.duration(se)
		case "initial":
			s.Initial, _ = l.duration(se)
		case "max":
			s.Max, _ = l.duration(se)
		case "max_redeliveries":
			if n, ok := l.integer(se, 0, RedeliveriesLimit); ok {
				s.MaxRedeliveries = zeroMeansNone(n)
			}
		default:
			se.key = key
			l.unknown(se, "supervision", supervisionFields)
		}
	}
	if s.Max > 0 && s.Initial > s.Max {
		l.errorf(e.at, "supervision: initial (%v) is longer than max (%v)", s.Initial, s.Max)
	}
}

// zeroMeansNone maps a written 0 ("no restarts") to the negative value the
// runtime reads as none; its zero means the default.
func zeroMeansNone(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

func (l *loader) unknown(e kv, where string, known []string) {
	l.errorf(e.at, "unknown field %q in %s%s; known: %s", e.key, where, suggest(e.key, known), strings.Join(known, ", "))
}
