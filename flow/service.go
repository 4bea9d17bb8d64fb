package flow

import (
	"context"
	"reflect"
)

// Service is one step of a flow. Call reads the values it needs from c and
// writes its results into it. The error it returns tells the flow what to do
// with the input: nil continues, Stop ends it early, Retry runs it again from
// the start, Fatal restarts the service and redelivers the input, and any
// other error fails it.
//
// A service's fields are its configuration, shared by every call. With
// Concurrency(n) several calls run at once, so Call must then be safe for
// concurrent use (or build one instance per worker with Build).
//
// A service may have more methods, which the runtimes look for:
//
//   - Start(ctx context.Context) error acquires resources (opens a
//     connection, say) before the first call;
//   - Stop(ctx context.Context) error releases them when the flow stops; a
//     restart calls Stop, then Start;
//   - Name() string names it in errors, events and the monitor (see NameOf;
//     a Decorator may have one too); others are named after their type;
//   - Expects and Promises declare the keys it reads and writes (see
//     KeyDeclarer);
//   - CallBatch(ctx context.Context, batch []*Context) error takes many
//     inputs in one call, in a stage with MaxBatch (see Batch).
type Service interface {
	Call(ctx context.Context, c *Context) error
}

// KeyDeclarer is implemented by services (and decorators) that declare the
// context keys they read (Expects) and write (Promises), so Validate can
// check a flow's wiring before it runs. flow's own services declare theirs
// from Typed's struct tags and the Expects and Promises options; KeysOf reads
// the keys of any service.
type KeyDeclarer interface {
	Expects() []string
	Promises() []string
}

// stageNamer is implemented by flow's own services, which know their names.
type stageNamer interface{ stageName() string }

// namer is implemented by services that choose their stage name.
type namer interface{ Name() string }

// NameOf is the stage name of s: the name given to Func, Stage, Typed, ... or
// to a flow with Named; else the service's Name() string method if it has
// one; else its type's name.
func NameOf(s Service) string {
	if n, ok := s.(stageNamer); ok { // flow's own: Func, Stage, Typed, Fork, ...
		if name := n.stageName(); name != "" {
			return name
		}
	}
	if n, ok := s.(namer); ok {
		if name := n.Name(); name != "" {
			return name
		}
	}
	t := reflect.TypeOf(s)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "<nil>"
	}
	if t.Name() == "" {
		return t.String()
	}
	return t.Name()
}

// Func makes a service of a function. name is its stage name. Options declare
// the keys it reads and writes (Expects, Promises) and the other settings
// Stage takes.
func Func(name string, fn func(ctx context.Context, c *Context) error, opts ...StageOption) Service {
	s := &node{name: name, call: fn}
	if len(opts) == 0 {
		return s
	}
	return Stage(s, opts...)
}

// node is what flow's own services (Func, Stage, Build, Typed, Batch, Fork,
// Around) are made of: their stage name, and what their Call does.
type node struct {
	name string
	call func(ctx context.Context, c *Context) error
}

func (n *node) Call(ctx context.Context, c *Context) error { return n.call(ctx, c) }
func (n *node) stageName() string                          { return n.name }
