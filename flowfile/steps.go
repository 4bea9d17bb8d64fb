package flowfile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

var (
	serviceFields = []string{"service", "name", "with", "concurrency", "timeout", "by_key", "batch"}
	forkFields    = []string{"fork", "branches", "default"}
	aroundFields  = []string{"around", "name", "with"}
	stepKinds     = []string{"service", "fork", "around"}
)

// built is one step built twice over the same services: run for the flow
// the file describes, check with a unique stage name per step, so that
// Validate's errors tell apart steps that share a name.
type built struct{ run, check flow.Service }

// sequence is the run and check flows of a list of steps.
func sequence(steps []built) (run, check *flow.Flow) {
	var r, c []flow.Service
	for _, s := range steps {
		r, c = append(r, s.run), append(c, s.check)
	}
	return flow.New(r...), flow.New(c...)
}

// steps builds a list of steps. path is the fork branches leading to it,
// as flow names them ("kind=book"), to find stages' positions again.
func (l *loader) steps(e kv, path string) []built {
	n, ok := l.resolve(e.val, e.at)
	if !ok {
		return nil
	}
	seq, isSeq := n.(*ast.SequenceNode)
	if !isSeq {
		if _, isNull := n.(*ast.NullNode); isNull || n == nil {
			return nil // reported by Validate as an empty flow or branch
		}
		l.errorf(posOf(n, e.at), "%s must be a list of steps, not %s", e.key, l.describe(n, e.at))
		return nil
	}
	var out []built
	for _, item := range seq.Values {
		if s := l.step(item, posOf(item, posOf(seq, e.at)), path); s.run != nil {
			out = append(out, s)
		}
	}
	return out
}

func (l *loader) step(n ast.Node, at pos, path string) built {
	es, ok := l.entries(n, at, "a step")
	if !ok {
		return built{}
	}
	fields := map[string]kv{}
	var kinds []string
	for _, e := range es {
		fields[e.key] = e
		if contains(stepKinds, e.key) {
			kinds = append(kinds, e.key)
		}
	}
	switch len(kinds) {
	case 0:
		if len(es) > 0 {
			at = es[0].at
		}
		l.errorf(at, "a step needs one of service, fork or around%s", guessKind(es))
		return built{}
	case 1:
	default:
		l.errorf(fields[kinds[1]].at, "a step is exactly one of service, fork or around; this one has %s", strings.Join(kinds, " and "))
		return built{}
	}
	kind := fields[kinds[0]]
	known := map[string][]string{"service": serviceFields, "fork": forkFields, "around": aroundFields}[kind.key]
	bad := false
	for _, e := range es {
		if !contains(known, e.key) {
			l.unknown(e, kind.key+" step", known)
			bad = true
		}
	}
	var s built
	switch kind.key {
	case "service":
		s = l.service(kind, fields, path)
	case "fork":
		s = l.fork(kind, fields, path)
	case "around":
		s = l.around(kind, fields, path)
	}
	if bad {
		return built{}
	}
	return s
}

// guessKind says what an unrecognised step might be missing.
func guessKind(es []kv) string {
	for _, e := range es {
		if s := suggest(e.key, stepKinds); s != "" {
			return fmt.Sprintf("; found %q%s", e.key, s)
		}
	}
	return ""
}

func (l *loader) record(path, name string, at pos) {
	if _, ok := l.f.stages[stageAt{path, name}]; !ok {
		l.f.stages[stageAt{path, name}] = at
	}
	l.f.byName[name] = append(l.f.byName[name], at)
}

// checkName records a step under a stage name of its own in the check
// flow: where it is, and where its parameters read each key.
func (l *loader) checkName(name string, at pos, svc any, fields map[string]kv, kind kv, withAt map[string]kv) string {
	l.f.nsteps++
	cn := fmt.Sprintf("%s\x00%d", name, l.f.nsteps)
	st := &stepInfo{name: name, at: at, reads: map[string][]keyRead{}}
	if _, promises, ok := keysOf(svc); ok {
		st.promises = promises
	}
	if ku, ok := svc.(registry.KeyUser); ok {
		for _, u := range ku.KeyUses() {
			p := l.paramPos(fields, kind, withAt, u.Param, u.Entry, u.Line, u.Column)
			st.reads[u.Key] = append(st.reads[u.Key], keyRead{at: p, param: u.Param, entry: u.Entry})
		}
	}
	l.f.checks[cn] = st
	return cn
}

func (l *loader) service(kind kv, fields map[string]kv, path string) built {
	svcName, ok := l.str(kind, "a service name")
	if !ok {
		return built{}
	}
	name := svcName
	if e, ok := fields["name"]; ok {
		if s, ok := l.str(e, "a stage name"); ok && s != "" {
			name = s
		}
	}
	var opts []flow.StageOption
	opts = append(opts, flow.Name(name))
	if e, ok := fields["concurrency"]; ok {
		if n, ok := l.integer(e, 1, ConcurrencyLimit); ok {
			opts = append(opts, flow.Concurrency(n))
		}
	}
	if e, ok := fields["timeout"]; ok {
		if d, ok := l.duration(e); ok {
			if d == 0 {
				l.errorf(posOf(e.val, e.at), "timeout must be positive; leave it out for none")
			}
			opts = append(opts, flow.Timeout(d))
		}
	}
	if e, ok := fields["by_key"]; ok {
		if k, ok := l.str(e, "a key name"); ok {
			opts = append(opts, flow.ByKey(k))
		}
	}
	if e, ok := fields["batch"]; ok {
		opts = append(opts, l.batch(e)...)
	}
	if _, known := l.reg.Lookup(svcName); !known {
		names := l.reg.Names()
		l.errorf(posOf(kind.val, kind.at), "unknown service %q%s; known: %s", svcName, suggest(svcName, names), strings.Join(names, ", "))
		return built{}
	}
	with, withAt, ok := l.with(fields)
	if !ok {
		return built{}
	}
	svc, err := l.reg.Build(svcName, registry.NewParams(with, l.info))
	if err != nil {
		l.buildErrors(err, fields, kind, withAt)
		return built{}
	}
	if e, ok := fields["batch"]; ok {
		l.batchable(e, svcName, svc)
	}
	if l.replace != nil {
		svc = l.replace(name, svc)
	}
	l.record(path, name, kind.at)
	l.learn(svc)
	cn := l.checkName(name, kind.at, svc, fields, kind, withAt)
	return built{flow.Stage(svc, opts...), flow.Stage(svc, append(opts, flow.Name(cn))...)}
}

// with converts a step's with: mapping; withAt maps each parameter to its
// entry, for positions.
func (l *loader) with(fields map[string]kv) (map[string]any, map[string]kv, bool) {
	e, ok := fields["with"]
	if !ok {
		return nil, nil, true
	}
	es, ok := l.entries(e.val, e.at, "with")
	if !ok {
		return nil, nil, false
	}
	vals := make(map[string]any, len(es))
	at := make(map[string]kv, len(es))
	for _, pe := range es {
		v, ok := l.value(pe.val, pe.at, 1)
		if !ok {
			return nil, nil, false
		}
		vals[pe.key] = v
		at[pe.key] = pe
	}
	return vals, at, true
}

// buildErrors reports a registry's build errors at the parameter they
// concern: its value, the entry of a map parameter, the column of an
// expression's error.
func (l *loader) buildErrors(err error, fields map[string]kv, kind kv, withAt map[string]kv) {
	for _, e := range Errors(err) {
		var pe *registry.ParamError
		if !errors.As(e, &pe) {
			l.errorf(kind.at, "%s %q: %v", kind.key, l.nameOf(kind), e)
			continue
		}
		at := kind.at
		if p, ok := withAt[pe.Param]; ok && pe.Missing {
			at = p.at
		} else {
			at = l.paramPos(fields, kind, withAt, pe.Param, pe.Key, pe.Line, pe.Column)
		}
		msg := pe.Err.Error()
		if pe.Key != "" {
			msg = fmt.Sprintf("key %q: %s", pe.Key, msg)
		}
		if pe.Column > 0 && pe.Line > 1 {
			msg = fmt.Sprintf("line %d, column %d of the expression: %s", pe.Line, pe.Column, msg)
		}
		l.errorf(at, "%s %q: parameter %q: %s", kind.key, l.nameOf(kind), pe.Param, msg)
	}
}

// paramPos is the position of a parameter's value (of one entry, for a map
// parameter), moved to column col of its text when that is on its first
// line; the with: key, or the step, when the parameter is not written.
func (l *loader) paramPos(fields map[string]kv, kind kv, withAt map[string]kv, param, entry string, line, col int) pos {
	at := kind.at
	if w, ok := fields["with"]; ok {
		at = w.at
	}
	p, ok := withAt[param]
	if !ok {
		return at
	}
	val := p.val
	if entry != "" {
		if es, ok := l.entries(p.val, p.at, "a parameter"); ok {
			for _, ke := range es {
				if ke.key == entry {
					val = ke.val
				}
			}
		}
	}
	at = posOf(val, p.at)
	if col > 0 && line <= 1 {
		at.col += col - 1
		if quoted(val) {
			at.col++
		}
	}
	return at
}

func (l *loader) nameOf(kind kv) string {
	if n, ok := l.resolve(kind.val, kind.at); ok {
		if s, ok := n.(*ast.StringNode); ok {
			return s.Value
		}
	}
	return "?"
}

func (l *loader) around(kind kv, fields map[string]kv, path string) built {
	decName, ok := l.str(kind, "a decorator name")
	if !ok {
		return built{}
	}
	if _, known := l.reg.LookupDecorator(decName); !known {
		names := l.reg.DecoratorNames()
		l.errorf(posOf(kind.val, kind.at), "unknown decorator %q%s; known: %s", decName, suggest(decName, names), strings.Join(names, ", "))
		return built{}
	}
	name := ""
	if e, ok := fields["name"]; ok {
		name, _ = l.str(e, "a stage name")
	}
	with, withAt, ok := l.with(fields)
	if !ok {
		return built{}
	}
	d, err := l.reg.BuildDecorator(decName, registry.NewParams(with, l.info))
	if err != nil {
		l.buildErrors(err, fields, kind, withAt)
		return built{}
	}
	if name != "" {
		d = named(d, name)
	}
	s := flow.Around(d)
	l.record(path, flow.NameOf(s), kind.at)
	if _, ok := d.(flow.KeyDeclarer); ok {
		l.learn(d)
	}
	cn := l.checkName(flow.NameOf(s), kind.at, d, fields, kind, withAt)
	return built{s, flow.Around(named(d, cn))}
}

// named gives a decorator a stage name, keeping its declared keys.
func named(d flow.Decorator, name string) flow.Decorator {
	if kd, ok := d.(flow.KeyDeclarer); ok {
		return &namedDeclarer{namedDecorator{d, name}, kd}
	}
	return &namedDecorator{d, name}
}

type namedDecorator struct {
	flow.Decorator
	name string
}

func (n *namedDecorator) Name() string { return n.name }

type namedDeclarer struct {
	namedDecorator
	kd flow.KeyDeclarer
}

func (n *namedDeclarer) Expects() []string  { return n.kd.Expects() }
func (n *namedDeclarer) Promises() []string { return n.kd.Promises() }

func (l *loader) fork(kind kv, fields map[string]kv, path string) built {
	key, ok := l.str(kind, "the key to fork on")
	if !ok {
		return built{}
	}
	if strings.TrimSpace(key) == "" {
		l.errorf(posOf(kind.val, kind.at), "fork: empty key name")
		return built{}
	}
	name := "fork(" + key + ")"
	before := l.info.KeyTypes
	var after []map[string]any // the known types at the end of each branch
	branches, checks := flow.Branches{}, flow.Branches{}
	if e, ok := fields["branches"]; ok {
		es, ok := l.entries(e.val, e.at, "branches")
		if !ok {
			return built{}
		}
		for _, be := range es {
			bp := join(path, key+"="+be.key)
			l.f.stages[stageAt{bp, name}] = be.at // where Validate's "branch is empty" points
			l.info.KeyTypes = before
			run, check := sequence(l.steps(kv{key: "branch " + be.key, at: be.at, val: be.val}, bp))
			branches[be.key], checks[be.key] = run.Named(be.key), check.Named(be.key)
			after = append(after, l.info.KeyTypes)
		}
	}
	var opts, copts []flow.StageOption
	if e, ok := fields["default"]; ok {
		dp := join(path, key+"=*")
		l.f.stages[stageAt{dp, name}] = e.at
		l.info.KeyTypes = before
		run, check := sequence(l.steps(kv{key: "default", at: e.at, val: e.val}, dp))
		opts = append(opts, flow.Default(run.Named("default")))
		copts = append(copts, flow.Default(check.Named("default")))
		after = append(after, l.info.KeyTypes)
	}
	l.info.KeyTypes = meetTypes(before, after)
	l.record(path, name, kind.at)
	return built{flow.Fork(key, branches, opts...), flow.Fork(key, checks, copts...)}
}

// join builds a branch path the way package flow names it in WiringError.
func join(path, part string) string {
	if path == "" {
		return part
	}
	return path + "/" + part
}
