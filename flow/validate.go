package flow

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// WiringError is one problem Validate found: a stage, where it sits, and what
// is wrong with it. It matches ErrMissingKey for a key that is not set on
// every path to the stage (or the fork) that needs it, and ErrDuplicateName
// for a stage named like another that can run for the same input.
type WiringError struct {
	Stage string // the stage concerned ("" for the flow itself)
	Path  string // the branches leading to it, "" on the main line
	Key   string // the context key concerned, if any
	Index int    // for a duplicate name: which occurrence (1 for the second, ...)
	Msg   string

	is error // the sentinel it matches, if any
}

func (e *WiringError) Error() string {
	var b strings.Builder
	b.WriteString("flow: ")
	if e.Stage != "" {
		fmt.Fprintf(&b, "stage %q", e.Stage)
		if e.Path != "" {
			fmt.Fprintf(&b, " (in %s)", e.Path)
		}
		b.WriteString(": ")
	} else if e.Path != "" {
		fmt.Fprintf(&b, "%s: ", e.Path)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the sentinel the problem matches, or nil.
func (e *WiringError) Unwrap() error { return e.is }

// Validate checks the flow's wiring before it runs and reports every problem
// at once (errors.Join of *WiringError and compile errors):
//   - a service expecting a key that is neither one of inputKeys nor promised
//     by a service upstream on every path to it (through every branch of
//     every fork before it);
//   - a fork on a key that is never set;
//   - two stages with the same name that can run for one input (the same
//     name in sibling branches is fine: the branch tells them apart);
//   - an empty flow or branch, a fork without branches, a nil step, a flow
//     that contains itself;
//   - MaxBatch on a service that does not take batches.
//
// Keys are known from Typed services' struct tags and from the Expects and
// Promises options. A service that declares no keys might set any key, so
// expectations downstream of it are not checked.
func (f *Flow) Validate(inputKeys ...string) error {
	v := &validator{stages: map[string][]string{}}
	if _, err := compile(f); err != nil {
		v.errs = append(v.errs, err)
	}
	in := keyset{keys: map[string]bool{}}
	for _, k := range inputKeys {
		in.keys[k] = true
	}
	if f != nil && len(f.steps) == 0 {
		v.add(&WiringError{Msg: fmt.Sprintf("flow %q has no steps", f.name)})
	}
	v.seq(f, "", in, map[*Flow]bool{})
	for _, name := range slices.Sorted(maps.Keys(v.stages)) {
		at := v.stages[name]
		for i := 1; i < len(at); i++ {
			for j := range i {
				if samePath(at[i], at[j]) {
					v.add(&WiringError{is: ErrDuplicateName, Stage: name, Path: at[i], Index: i,
						Msg: fmt.Sprintf("another stage on the same path has this name (at %s); give each its own with flow.Stage(s, flow.Name(...))", where(at[j]))})
					break
				}
			}
		}
	}
	return errors.Join(v.errs...)
}

// samePath reports whether stages at branch paths a and b can both run for
// one input: one path contains the other. Stages in sibling branches cannot,
// and their paths tell them apart.
func samePath(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == "" || a == b || strings.HasPrefix(b, a+"/")
}

type validator struct {
	errs   []error
	stages map[string][]string // stage name → where it occurs
}

func (v *validator) add(err error) { v.errs = append(v.errs, err) }

// keyset is what is known to be set on every path to a point. any means a
// service that declares nothing ran: it might have set anything.
type keyset struct {
	any     bool
	keys    map[string]bool
	partial map[string][]string // key → the branches that set it, when not all do
}

func (k keyset) has(key string) bool { return k.any || k.keys[key] }

func (k keyset) clone() keyset {
	return keyset{any: k.any, keys: maps.Clone(k.keys), partial: maps.Clone(k.partial)}
}

// seq walks f's steps, returning what is set after them.
func (v *validator) seq(f *Flow, path string, in keyset, open map[*Flow]bool) keyset {
	if f == nil || open[f] {
		return in // reported by the compiler
	}
	open[f] = true
	defer delete(open, f)
	for _, s := range f.steps {
		in = v.step(s, path, in, open)
	}
	return in
}

func (v *validator) step(s Service, path string, in keyset, open map[*Flow]bool) keyset {
	switch s := s.(type) {
	case nil:
		return in
	case *Flow:
		return v.seq(s, path, in, open)
	case *around:
		if d, ok := s.d.(KeyDeclarer); ok {
			v.expect(s.stageName(), path, d.Expects(), in)
			for _, k := range d.Promises() {
				in.keys[k] = true
			}
		}
		return in
	case *fork:
		name := s.stageName()
		if !in.has(s.key) {
			v.add(&WiringError{is: ErrMissingKey, Stage: name, Path: path, Key: s.key, Msg: fmt.Sprintf("forks on key %q, which is never set: it is not an input and no service upstream promises it%s", s.key, partialNote(in, s.key))})
		}
		if len(s.branches) == 0 && s.deflt == nil {
			v.add(&WiringError{Stage: name, Path: path, Key: s.key, Msg: "has no branches"})
			return in
		}
		var outs []keyset
		var labels []string
		for _, val := range sortedValues(s.branches) {
			label := s.key + "=" + fmt.Sprint(val)
			bp := join(path, label)
			b := s.branches[val]
			if b == nil {
				continue // reported by the compiler
			}
			if len(b.steps) == 0 {
				v.add(&WiringError{Stage: name, Path: bp, Msg: fmt.Sprintf("branch %s is empty", label)})
			}
			outs = append(outs, v.seq(b, bp, in.clone(), open))
			labels = append(labels, label)
		}
		if s.deflt != nil {
			label := s.key + "=*"
			if len(s.deflt.steps) == 0 {
				v.add(&WiringError{Stage: name, Path: join(path, label), Msg: "the default branch is empty"})
			}
			outs = append(outs, v.seq(s.deflt, join(path, label), in.clone(), open))
			labels = append(labels, "default")
		}
		return meet(outs, labels)
	default:
		name := NameOf(s)
		v.stages[name] = append(v.stages[name], path)
		if st, ok := s.(*stage); ok && st.cfg.Default != nil {
			v.add(&WiringError{Stage: name, Path: path, Msg: "has a Default branch, which only a Fork takes"})
		}
		if st, ok := s.(*stage); ok && st.cfg.BatchSize > 0 && st.cfg.New == nil {
			if !takesBatches(st.svc) {
				v.add(&WiringError{Stage: name, Path: path, Msg: "is batched (MaxBatch), but its service does not take batches (it has no CallBatch method)"})
			}
		}
		expects, promises, ok := KeysOf(s)
		if !ok { // it might set any key
			in.any = true
			return in
		}
		v.expect(name, path, expects, in)
		for _, k := range promises {
			in.keys[k] = true
		}
		return in
	}
}

func (v *validator) expect(name, path string, keys []string, in keyset) {
	for _, k := range keys {
		if !in.has(k) {
			v.add(&WiringError{is: ErrMissingKey, Stage: name, Path: path, Key: k, Msg: fmt.Sprintf("expects key %q, which is neither an input nor promised upstream on every path%s", k, partialNote(in, k))})
		}
	}
}

func partialNote(in keyset, key string) string {
	if bs := in.partial[key]; len(bs) > 0 {
		return fmt.Sprintf(" (only %s set it)", strings.Join(bs, ", "))
	}
	return ""
}

// meet is what is set after a fork: what every branch sets.
func meet(outs []keyset, labels []string) keyset {
	res := keyset{any: true, keys: map[string]bool{}, partial: map[string][]string{}}
	seen := map[string][]string{}
	for i, o := range outs {
		res.any = res.any && o.any
		for k := range o.keys {
			seen[k] = append(seen[k], labels[i])
		}
		for k, bs := range o.partial {
			res.partial[k] = bs
		}
	}
	for k, bs := range seen {
		all := len(bs) == len(outs)
		if !all { // branches that might set anything count as setting k
			n := len(bs)
			for _, o := range outs {
				if o.any && !o.keys[k] {
					n++
				}
			}
			all = n == len(outs)
		}
		if all {
			res.keys[k] = true
			delete(res.partial, k)
		} else {
			res.partial[k] = bs
		}
	}
	return res
}
