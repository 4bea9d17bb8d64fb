package flow

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// Typed makes a service of a function over structs: the fields of In are
// bound from context keys before the call, and the fields of Out are written
// to the context after a successful call. A field's key is given by its
// `flow:"key"` tag, or is the field's name when untagged; `flow:"-"` skips a
// field, `flow:"key,optional"` on an In field leaves it zero when the key is
// missing, and `flow:"key,omitempty"` on an Out field skips writing a zero
// value. Values convert as a JSON decoder would (see Value).
//
// The binding is prepared once, here: Typed panics if In or Out is not a
// struct. The service declares In's required keys as Expects and Out's keys as
// Promises, so Validate checks its wiring.
func Typed[In, Out any](name string, fn func(ctx context.Context, in In) (Out, error)) Service {
	s := newTyped(name, fn)
	return Stage(&node{name: name, call: s.run}, Expects(s.expects()...), Promises(s.promises()...))
}

func newTyped[In, Out any](name string, fn func(ctx context.Context, in In) (Out, error)) *typedService[In, Out] {
	s := &typedService[In, Out]{name: name, fn: fn}
	s.ins.New = func() any { return new(In) }
	s.outs.New = func() any { return new(Out) }
	s.in = bindings(reflect.TypeFor[In](), "In", name)
	s.out = bindings(reflect.TypeFor[Out](), "Out", name)
	return s
}

type binding struct {
	index    int
	key      string
	optional bool // In: a missing key leaves the field zero
	omit     bool // Out: a zero field is not written
}

func bindings(t reflect.Type, role, service string) []binding {
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("flow.Typed %q: %s must be a struct, not %s", service, role, t))
	}
	var bs []binding
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("flow")
		if tag == "-" {
			continue
		}
		key, opts, _ := strings.Cut(tag, ",")
		if key == "" {
			key = f.Name
		}
		b := binding{index: i, key: key}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "":
			case "optional":
				b.optional = true
			case "omitempty":
				b.omit = true
			default:
				panic(fmt.Sprintf("flow.Typed %q: %s.%s: unknown tag option %q", service, role, f.Name, o))
			}
		}
		bs = append(bs, b)
	}
	return bs
}

// typedService is Typed's (and TypedBatch's) binding of structs to keys.
type typedService[In, Out any] struct {
	name    string
	fn      func(ctx context.Context, in In) (Out, error)
	in, out []binding
	// Pools of In and Out structs: binding through reflect needs addressable
	// values, and a fresh one per call would be an allocation per call.
	ins, outs sync.Pool
}

func (s *typedService[In, Out]) expects() []string {
	var keys []string
	for _, b := range s.in {
		if !b.optional {
			keys = append(keys, b.key)
		}
	}
	return keys
}

func (s *typedService[In, Out]) promises() []string {
	keys := make([]string, len(s.out))
	for i, b := range s.out {
		keys[i] = b.key
	}
	return keys
}

// run binds c to an In, calls fn and writes its Out to c: Typed's Call.
func (s *typedService[In, Out]) run(ctx context.Context, c *Context) error {
	in, err := s.bind(c)
	if err != nil {
		return err
	}
	out, err := s.fn(ctx, in)
	if err != nil {
		return err
	}
	s.write(c, out)
	return nil
}

// write merges out's fields into c by tag.
func (s *typedService[In, Out]) write(c *Context, out Out) {
	if len(s.out) == 0 {
		return
	}
	po := s.outs.Get().(*Out)
	*po = out
	rv := reflect.ValueOf(po).Elem()
	for _, b := range s.out {
		f := rv.Field(b.index)
		if b.omit && f.IsZero() {
			continue
		}
		c.Set(b.key, boxed(f))
	}
	var zero Out
	*po = zero
	s.outs.Put(po)
}

func (s *typedService[In, Out]) bind(c *Context) (In, error) {
	var in In
	if len(s.in) == 0 {
		return in, nil
	}
	pi := s.ins.Get().(*In)
	defer func() {
		*pi = in // zero, not to keep references alive in the pool
		s.ins.Put(pi)
	}()
	rv := reflect.ValueOf(pi).Elem()
	for _, b := range s.in {
		v, ok := c.Get(b.key)
		if !ok {
			if b.optional {
				continue
			}
			return in, missingKey(b.key, typeName(rv.Field(b.index).Type()))
		}
		f := rv.Field(b.index)
		if fast(f, v) {
			continue
		}
		if err := assign(f, b.key, v); err != nil {
			return in, err
		}
	}
	bound := *pi
	return bound, nil
}

// boxed is f.Interface() without its allocation for the common kinds: a plain
// conversion lets the runtime reuse its static small-integer and empty-string
// values.
func boxed(f reflect.Value) any {
	switch f.Type() {
	case intType:
		return int(f.Int())
	case stringType:
		return f.String()
	case float64Type:
		return f.Float()
	case boolType:
		return f.Bool()
	}
	return f.Interface()
}

var (
	intType     = reflect.TypeFor[int]()
	stringType  = reflect.TypeFor[string]()
	float64Type = reflect.TypeFor[float64]()
	boolType    = reflect.TypeFor[bool]()
)

// fast binds the common exact-type cases without reflect.Value.Set's checks.
func fast(f reflect.Value, v any) bool {
	switch f.Kind() {
	case reflect.Int:
		if x, ok := v.(int); ok {
			f.SetInt(int64(x))
			return true
		}
	case reflect.String:
		if x, ok := v.(string); ok {
			f.SetString(x)
			return true
		}
	case reflect.Float64:
		if x, ok := v.(float64); ok {
			f.SetFloat(x)
			return true
		}
	case reflect.Bool:
		if x, ok := v.(bool); ok {
			f.SetBool(x)
			return true
		}
	}
	return false
}
