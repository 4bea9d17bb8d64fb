package registry

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/serviceflow/serviceflow/flow"
)

// Spec describes a service that a registry can build from parameters.
type Spec struct {
	Doc    string  // one or two sentences for the CLI's services command
	Params []Param // the parameters Build accepts; others are errors
	// Keys describes, in words, the context keys the service reads and
	// writes when they depend on its parameters ("reads the keys the
	// expressions use; writes the keys in set").
	Keys string
	// Expects and Promises list the keys the service reads and writes when
	// they are fixed (a service for one job); the built service should
	// declare the same (flow.KeyDeclarer). For documentation only.
	Expects, Promises []string
	// Batches says the service takes batches (its built service has a
	// CallBatch method, see flow.Batch), so a flow file's step may say batch:.
	Batches bool
	// Build makes the service. It is called once per step of a flow file,
	// with Defaults applied and unknown or missing required parameters
	// already rejected. Errors about one parameter should be *ParamError.
	Build func(p Params) (flow.Service, error)
}

// DecoratorSpec describes a decorator (a flow file's "around:" step) that a
// registry can build from parameters.
type DecoratorSpec struct {
	Doc    string
	Params []Param
	Keys   string
	Build  func(p Params) (flow.Decorator, error)
}

// Param describes one parameter of a service or decorator.
type Param struct {
	Name     string
	Type     string // for people: string, int, float, bool, duration, expression, template, map, list, ...
	Required bool
	Doc      string
	Default  any // applied when the parameter is absent; nil for none
}

// Registry maps names to service and decorator factories. The zero value is
// an empty registry ready to use; New returns one too, and Builtin one that
// holds the built-ins. A Registry is safe for concurrent use.
type Registry struct {
	mu         sync.RWMutex
	services   map[string]Spec
	decorators map[string]DecoratorSpec
}

// New returns an empty registry.
func New() *Registry { return &Registry{} }

// Register adds a service factory under name. It panics if name is empty,
// already registered as a service, or s has no Build function: registration
// happens at start-up, where a mistake is a programming error.
func (r *Registry) Register(name string, s Spec) {
	r.mu.Lock()
	defer r.mu.Unlock()
	checkName(name, s.Build == nil, s.Params)
	if _, dup := r.services[name]; dup {
		panic(fmt.Sprintf("registry: service %q registered twice", name))
	}
	if r.services == nil {
		r.services = map[string]Spec{}
	}
	r.services[name] = s
}

// RegisterDecorator adds a decorator factory under name, with the same rules
// as Register.
func (r *Registry) RegisterDecorator(name string, d DecoratorSpec) {
	r.mu.Lock()
	defer r.mu.Unlock()
	checkName(name, d.Build == nil, d.Params)
	if _, dup := r.decorators[name]; dup {
		panic(fmt.Sprintf("registry: decorator %q registered twice", name))
	}
	if r.decorators == nil {
		r.decorators = map[string]DecoratorSpec{}
	}
	r.decorators[name] = d
}

func checkName(name string, noBuild bool, params []Param) {
	if strings.TrimSpace(name) == "" {
		panic("registry: empty name")
	}
	if noBuild {
		panic(fmt.Sprintf("registry: %q has no Build function", name))
	}
	seen := map[string]bool{}
	for _, p := range params {
		if p.Name == "" || seen[p.Name] {
			panic(fmt.Sprintf("registry: %q: empty or duplicate parameter name %q", name, p.Name))
		}
		seen[p.Name] = true
	}
}

// Lookup returns the service registered under name.
func (r *Registry) Lookup(name string) (Spec, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.services[name]
	return s, ok
}

// LookupDecorator returns the decorator registered under name.
func (r *Registry) LookupDecorator(name string) (DecoratorSpec, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.decorators[name]
	return d, ok
}

// Names returns the registered service names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Sorted(maps.Keys(r.services))
}

// DecoratorNames returns the registered decorator names, sorted.
func (r *Registry) DecoratorNames() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Sorted(maps.Keys(r.decorators))
}

// Build builds the service registered under name from p. An unknown name is
// an error naming the known ones; unknown parameters and missing required
// ones are *ParamError naming the known parameters. Defaults are applied
// before the Spec's Build is called.
func (r *Registry) Build(name string, p Params) (flow.Service, error) {
	s, ok := r.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown service %q; known: %s", name, strings.Join(r.Names(), ", "))
	}
	p, err := prepare(p, s.Params)
	if err != nil {
		return nil, err
	}
	svc, err := s.Build(p)
	if err == nil && svc == nil {
		err = fmt.Errorf("service %q: Build returned no service", name)
	}
	return svc, err
}

// BuildDecorator builds the decorator registered under name from p, with the
// same rules as Build.
func (r *Registry) BuildDecorator(name string, p Params) (flow.Decorator, error) {
	d, ok := r.LookupDecorator(name)
	if !ok {
		return nil, fmt.Errorf("unknown decorator %q; known: %s", name, strings.Join(r.DecoratorNames(), ", "))
	}
	p, err := prepare(p, d.Params)
	if err != nil {
		return nil, err
	}
	dec, err := d.Build(p)
	if err == nil && dec == nil {
		err = fmt.Errorf("decorator %q: Build returned no decorator", name)
	}
	return dec, err
}

// prepare rejects unknown and missing required parameters and applies
// defaults, on a copy of p's values.
func prepare(p Params, params []Param) (Params, error) {
	known := make([]string, len(params))
	byName := map[string]bool{}
	for i, pp := range params {
		known[i] = pp.Name
		byName[pp.Name] = true
	}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(p.values)) {
		if !byName[name] {
			msg := "unknown parameter; known: " + strings.Join(known, ", ")
			if len(known) == 0 {
				msg = "unknown parameter; this service takes none"
			}
			errs = append(errs, &ParamError{Param: name, Err: errors.New(msg)})
		}
	}
	vals := maps.Clone(p.values)
	if vals == nil {
		vals = map[string]any{}
	}
	for _, pp := range params {
		if _, ok := vals[pp.Name]; ok {
			continue
		}
		switch {
		case pp.Required:
			errs = append(errs, &ParamError{Param: pp.Name, Missing: true, Err: fmt.Errorf("missing required parameter (%s)", pp.Doc)})
		case pp.Default != nil:
			vals[pp.Name] = pp.Default
		}
	}
	p.values = vals
	return p, errors.Join(errs...)
}
