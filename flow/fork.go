package flow

import (
	"context"
	"fmt"

	"github.com/serviceflow/serviceflow/internal/engine"
)

// Branches maps values of a fork's key to the flow each takes.
type Branches map[any]*Flow

// ForkOption configures a Fork: Default, and Name for its stage name. It is a
// StageOption, so Validate reports Default given to any other stage.
type ForkOption = StageOption

// Default sets a fork's flow for values that match no branch. Without it,
// such a value fails the input with ErrNoBranch. It applies to Fork only
// (Validate reports it on any other stage).
func Default(f *Flow) ForkOption { return func(c *stageConfig) { c.Default = f } }

// Fork routes each input on the value of key to one of branches: the seed's
// < ('key', {'v1': f1, 'v2': f2}). After the branch, the flow continues with
// the steps after the fork. Values match branch keys by ==; a value that is
// not a string also matches a string branch key equal to its fmt.Sprint form,
// so the number 2 decoded from JSON takes the branch "2".
//
// Its options are Default, and Name for its stage name (default
// "fork(key)"); the others do not apply to a fork.
func Fork(key string, branches Branches, opts ...ForkOption) Service {
	var cfg stageConfig
	for _, o := range opts {
		o(&cfg)
	}
	fk := &fork{key: key, branches: branches, deflt: cfg.Default}
	fk.name, fk.call = "fork("+key+")", fk.run
	if cfg.Name != "" {
		fk.name = cfg.Name
	}
	return fk
}

type fork struct {
	node
	key      string
	branches Branches
	deflt    *Flow
}

// run runs the selected branch on c: the fork's Call, for a fork used
// outside a flow.
func (fk *fork) run(ctx context.Context, c *Context) error {
	v, _ := c.Get(fk.key)
	f, ok := engine.Lookup(fk.branches, v)
	switch {
	case ok:
		return f.Call(ctx, c)
	case fk.deflt != nil:
		return fk.deflt.Call(ctx, c)
	}
	return fk.noBranch(c)
}

func (fk *fork) noBranch(c *Context) error {
	v, ok := c.Get(fk.key)
	if !ok {
		return fmt.Errorf("fork on %q: %w: %w %q", fk.key, ErrNoBranch, ErrMissingKey, fk.key)
	}
	return fmt.Errorf("fork on %q: %w %s", fk.key, ErrNoBranch, preview(v))
}
