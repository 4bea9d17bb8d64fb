package flow

import (
	"context"
	"reflect"
)

// Decorator wraps the rest of a flow, like the seed's DecoratorMiddleware.
// Before runs before the rest of the flow; After runs after it with the error
// it ended with (nil on success), and returns the error the input continues
// with: return nil to handle err, err to pass it on, or another error to
// replace it. If Before fails, the rest of the flow and After do not run.
//
// In the actor runtime Before and After run as separate messages, so no actor
// waits while the rest of the flow runs.
type Decorator interface {
	Before(ctx context.Context, c *Context) error
	After(ctx context.Context, c *Context, err error) error
}

// Around returns a step that wraps the rest of the flow it appears in with d:
// the steps after it in that flow, including forks and their branches.
// Decorators nest: the innermost's After runs first.
//
// Used as a service outside a flow (its Call), it runs Before and then After
// around nothing.
func Around(d Decorator) Service {
	a := &around{d: d}
	a.name = aroundName(d)
	a.call = func(ctx context.Context, c *Context) error {
		if err := d.Before(ctx, c); err != nil {
			return err
		}
		return d.After(ctx, c, nil)
	}
	return a
}

type around struct {
	node
	d Decorator
}

func aroundName(d Decorator) string {
	if n, ok := d.(namer); ok && n.Name() != "" {
		return n.Name()
	}
	t := reflect.TypeOf(d)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	name := "decorator"
	if t != nil && t.Name() != "" {
		name = t.Name()
	}
	return "around(" + name + ")"
}
