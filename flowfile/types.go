package flowfile

import (
	"maps"
	"reflect"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

// The loader passes the known types of keys from step to step (in
// l.info.KeyTypes, which the registry's expressions are type-checked
// against): the typed inputs first, then what each step promises, typed
// when the step says (registry.KeyTyper: an expression's result, a set
// value), unknown otherwise. A step that declares no keys might set any
// key to anything, so after it nothing is known. The map is replaced,
// never changed, since the services built so far hold it.

// keysOf is what a step's service or decorator declares (flow.KeysOf).
func keysOf(v any) (expects, promises []string, ok bool) {
	if s, isService := v.(flow.Service); isService {
		return flow.KeysOf(s)
	}
	if kd, isDeclarer := v.(flow.KeyDeclarer); isDeclarer {
		return kd.Expects(), kd.Promises(), true
	}
	return nil, nil, false
}

// learn records what svc promises.
func (l *loader) learn(svc any) {
	_, promised, ok := keysOf(svc)
	if !ok {
		l.info.KeyTypes = nil
		return
	}
	if len(promised) == 0 {
		return
	}
	var typed map[string]any
	if kt, ok := svc.(registry.KeyTyper); ok {
		typed = kt.KeyTypes()
	}
	next := maps.Clone(l.info.KeyTypes)
	if next == nil {
		next = map[string]any{}
	}
	for _, k := range promised {
		if ex, ok := typed[k]; ok && ex != nil {
			next[k] = ex
		} else {
			delete(next, k)
		}
	}
	l.info.KeyTypes = next
}

// meetTypes is what is known after a fork: the types every branch agrees
// on; before, when the fork has no branch.
func meetTypes(before map[string]any, branches []map[string]any) map[string]any {
	if len(branches) == 0 {
		return before
	}
	out := map[string]any{}
	for k, ex := range branches[0] {
		t := reflect.TypeOf(ex)
		all := true
		for _, b := range branches[1:] {
			if o, ok := b[k]; !ok || reflect.TypeOf(o) != t {
				all = false
				break
			}
		}
		if all {
			out[k] = ex
		}
	}
	return out
}
