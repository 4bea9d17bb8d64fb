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

// steps builds a list of steps. path is the fork branches leading to it,
// as flow names them ("kind=book"), to find stages' positions again.
func (l *loader) steps(e kv, path string) []flow.Service {
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
	var out []flow.Service
	for _, item := range seq.Values {
		if s := l.step(item, posOf(item, posOf(seq, e.at)), path); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (l *loader) step(n ast.Node, at pos, path string) flow.Service {
	es, ok := l.entries(n, at, "a step")
	if !ok {
		return nil
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
		return nil
	case 1:
	default:
		l.errorf(fields[kinds[1]].at, "a step is exactly one of service, fork or around; this one has %s", strings.Join(kinds, " and "))
		return nil
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
	var s flow.Service
	switch kind.key {
	case "service":
		s = l.service(kind, fields, path)
	case "fork":
		s = l.fork(kind, fields, path)
	case "around":
		s = l.around(kind, fields, path)
	}
	if bad {
		return nil
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

func (l *loader) service(kind kv, fields map[string]kv, path string) flow.Service {
	svcName, ok := l.str(kind, "a service name")
	if !ok {
		return nil
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
		return nil
	}
	with, withAt, ok := l.with(fields)
	if !ok {
		return nil
	}
	svc, err := l.reg.Build(svcName, registry.NewParams(with, l.info))
	if err != nil {
		l.buildErrors(err, fields, kind, withAt)
		return nil
	}
	if e, ok := fields["batch"]; ok {
		l.batchable(e, svcName, svc)
	}
	if l.replace != nil {
		svc = l.replace(name, svc)
	}
	l.record(path, name, kind.at)
	return flow.Stage(svc, opts...)
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
		if w, ok := fields["with"]; ok {
			at = w.at
		}
		p, ok := withAt[pe.Param]
		switch {
		case ok && pe.Missing:
			at = p.at
		case ok:
			at = p.at
			val := p.val
			if pe.Key != "" {
				if es, ok := l.entries(p.val, p.at, "a parameter"); ok {
					for _, ke := range es {
						if ke.key == pe.Key {
							val = ke.val
						}
					}
				}
			}
			at = posOf(val, at)
			if pe.Column > 0 && pe.Line <= 1 {
				at.col += pe.Column - 1
				if quoted(val) {
					at.col++
				}
			}
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

func (l *loader) nameOf(kind kv) string {
	if n, ok := l.resolve(kind.val, kind.at); ok {
		if s, ok := n.(*ast.StringNode); ok {
			return s.Value
		}
	}
	return "?"
}

func (l *loader) around(kind kv, fields map[string]kv, path string) flow.Service {
	decName, ok := l.str(kind, "a decorator name")
	if !ok {
		return nil
	}
	if _, known := l.reg.LookupDecorator(decName); !known {
		names := l.reg.DecoratorNames()
		l.errorf(posOf(kind.val, kind.at), "unknown decorator %q%s; known: %s", decName, suggest(decName, names), strings.Join(names, ", "))
		return nil
	}
	name := ""
	if e, ok := fields["name"]; ok {
		name, _ = l.str(e, "a stage name")
	}
	with, withAt, ok := l.with(fields)
	if !ok {
		return nil
	}
	d, err := l.reg.BuildDecorator(decName, registry.NewParams(with, l.info))
	if err != nil {
		l.buildErrors(err, fields, kind, withAt)
		return nil
	}
	if name != "" {
		d = named(d, name)
	}
	s := flow.Around(d)
	l.record(path, flow.NameOf(s), kind.at)
	return s
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

func (l *loader) fork(kind kv, fields map[string]kv, path string) flow.Service {
	key, ok := l.str(kind, "the key to fork on")
	if !ok {
		return nil
	}
	if strings.TrimSpace(key) == "" {
		l.errorf(posOf(kind.val, kind.at), "fork: empty key name")
		return nil
	}
	name := "fork(" + key + ")"
	branches := flow.Branches{}
	if e, ok := fields["branches"]; ok {
		es, ok := l.entries(e.val, e.at, "branches")
		if !ok {
			return nil
		}
		for _, be := range es {
			bp := join(path, key+"="+be.key)
			l.f.stages[stageAt{bp, name}] = be.at // where Validate's "branch is empty" points
			steps := l.steps(kv{key: "branch " + be.key, at: be.at, val: be.val}, bp)
			branches[be.key] = flow.New(steps...).Named(be.key)
		}
	}
	var opts []flow.ForkOption
	if e, ok := fields["default"]; ok {
		dp := join(path, key+"=*")
		l.f.stages[stageAt{dp, name}] = e.at
		steps := l.steps(kv{key: "default", at: e.at, val: e.val}, dp)
		opts = append(opts, flow.Default(flow.New(steps...).Named("default")))
	}
	l.record(path, name, kind.at)
	return flow.Fork(key, branches, opts...)
}

// join builds a branch path the way package flow names it in WiringError.
func join(path, part string) string {
	if path == "" {
		return part
	}
	return path + "/" + part
}
