package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/serviceflow/serviceflow/internal/engine"
)

// program is a flow compiled for the engine that Run and package actors
// both drive.
type program = engine.Program[*Context]

func init() { engine.SetCompiler(compile) }

// rules are flow's error values and context operations, as the engine
// applies them.
var rules = &engine.Rules[*Context]{
	Fatal:   ErrFatal,
	Retry:   ErrRetry,
	Stopped: ErrStopped,
	Timeout: context.DeadlineExceeded,
	AsRetry: Retry,
	AsFatal: Fatal,
	Stage: func(stage string, attempt int, err error) error {
		return &StageError{Stage: stage, Attempt: attempt, Err: err}
	},
	StageOf: func(err error) (string, bool) {
		var se *StageError
		if errors.As(err, &se) {
			return se.Stage, true
		}
		return "", false
	},
	Panic:    func(v any, stack []byte) error { return Fatal(&PanicError{Value: v, Stack: stack}) },
	Wait:     retryWait,
	Outcomes: outcomes,
	NoBranch: func(c *Context, key string) error { return (&fork{key: key}).noBranch(c) },
	Get:      (*Context).Get,
	Restore:  (*Context).restore,
	Clone:    (*Context).clone,
	Cursor:   func(c *Context) *engine.Cursor { return &c.cur },
	Original: (*Context).original,
}

// compile compiles f. It fails when a step is nil or a flow contains itself.
// The program shares f's services; compiling does not start anything.
func compile(f *Flow) (*program, error) {
	c := &compiler{open: map[*Flow]bool{}}
	entry := c.flow(f, "", engine.End)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	p := &program{
		Name:           f.name,
		Nodes:          c.nodes,
		MaxAttempts:    engine.Attempts(f.policy.MaxAttempts),
		RetryBackoff:   f.policy.Backoff,
		Redeliveries:   f.policy.redeliveries(),
		RestartBackoff: f.policy.RestartBackoff,
		Rules:          rules,
	}
	p.Seal(entry)
	return p, nil
}

type compiler struct {
	nodes []engine.Node[*Context]
	open  map[*Flow]bool // flows being compiled, to catch cycles
	errs  []error
}

func (c *compiler) add(n engine.Node[*Context]) int {
	c.nodes = append(c.nodes, n)
	return len(c.nodes) - 1
}

// flow compiles f's steps so that they continue at cont, returning the entry.
func (c *compiler) flow(f *Flow, path string, cont int) int {
	if f == nil {
		c.errs = append(c.errs, fmt.Errorf("flow: nil *Flow at %s", where(path)))
		return cont
	}
	if c.open[f] {
		c.errs = append(c.errs, fmt.Errorf("flow: flow %q contains itself at %s", f.name, where(path)))
		return cont
	}
	c.open[f] = true
	defer delete(c.open, f)
	return c.seq(f.steps, path, cont)
}

// seq compiles steps backwards, each continuing at the entry of the next. A
// decorator's scope is the rest of the steps: they continue at its exit node,
// which continues at cont.
func (c *compiler) seq(steps []Service, path string, cont int) int {
	for i, s := range steps {
		if a, ok := s.(*around); ok {
			exit := c.add(engine.Node[*Context]{Op: engine.OpExit, Name: a.stageName() + ".after", Path: path, Next: cont, Decorator: a.d})
			inner := c.seq(steps[i+1:], path, exit)
			enter := c.add(engine.Node[*Context]{Op: engine.OpEnter, Name: a.stageName(), Path: path, Next: inner, Decorator: a.d, Exit: exit})
			return c.chain(steps[:i], path, enter)
		}
	}
	return c.chain(steps, path, cont)
}

// chain compiles steps that contain no decorator.
func (c *compiler) chain(steps []Service, path string, cont int) int {
	next := cont
	for i := len(steps) - 1; i >= 0; i-- {
		next = c.step(steps[i], path, next)
	}
	return next
}

func (c *compiler) step(s Service, path string, cont int) int {
	switch s := s.(type) {
	case nil:
		c.errs = append(c.errs, fmt.Errorf("flow: nil service at %s", where(path)))
		return cont
	case *Flow:
		return c.flow(s, path, cont)
	case *fork:
		n := engine.Node[*Context]{Op: engine.OpFork, Name: s.stageName(), Path: path, Next: cont, Key: s.key, Default: engine.NoDefault}
		for _, v := range sortedValues(s.branches) {
			label := fmt.Sprint(v)
			entry := c.flow(s.branches[v], join(path, s.key+"="+label), cont)
			n.Branches = append(n.Branches, engine.Branch{Value: v, Label: label, Entry: entry})
		}
		if s.deflt != nil {
			n.Default = c.flow(s.deflt, join(path, s.key+"=*"), cont)
		}
		return c.add(n)
	default:
		name := NameOf(s)
		n := engine.Node[*Context]{Op: engine.OpCall, Name: name, Path: path, Next: cont, Service: s}
		var cfg stageConfig
		if st, ok := s.(*stage); ok {
			n.Service, cfg = st.svc, st.cfg
			if b, ok := st.svc.(*batchNode); ok {
				n.Service = &engine.BatchFunc[*Context]{One: b.call, Many: b.batch}
			}
		}
		cfg.Expects, cfg.Promises, _ = KeysOf(s)
		n.Config = engine.StageConfig[*Context]{
			Name:        name,
			Concurrency: max(cfg.Concurrency, 1),
			Timeout:     cfg.Timeout,
			Expects:     cfg.Expects,
			Promises:    cfg.Promises,
			AffinityKey: cfg.AffinityKey,
		}
		if cfg.BatchSize > 0 {
			n.Config.Batch = engine.BatchPolicy{Size: cfg.BatchSize, Wait: cfg.BatchWait}
			switch {
			case cfg.BatchWait == 0:
				n.Config.Batch.Wait = engine.DefaultBatchWait
			case cfg.BatchWait < 0:
				n.Config.Batch.Wait = 0
			}
		}
		if build := cfg.New; build != nil {
			n.Config.New = func() (engine.Service[*Context], error) {
				svc, err := build()
				if svc == nil {
					return nil, err
				}
				return svc, err
			}
		}
		return c.add(n)
	}
}

func sortedValues(b Branches) []any {
	vals := make([]any, 0, len(b))
	for v := range b {
		vals = append(vals, v)
	}
	slices.SortFunc(vals, func(x, y any) int {
		sx, sy := fmt.Sprint(x), fmt.Sprint(y)
		if sx < sy {
			return -1
		}
		if sx > sy {
			return 1
		}
		return 0
	})
	return vals
}

func join(path, part string) string {
	if path == "" {
		return part
	}
	return path + "/" + part
}

func where(path string) string {
	if path == "" {
		return "the main line"
	}
	return path
}
