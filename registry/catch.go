package registry

import (
	"context"
	"errors"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
)

var catchSpec = DecoratorSpec{
	Doc: "Handles errors from the rest of the flow: writes the error message into a key and lets the " +
		"input finish Done. Stop passes through (it is not a failure), and so does Retry while the flow's " +
		"retry policy has attempts left, so only the last attempt's error is caught.",
	Params: []Param{
		{Name: "key", Type: "string", Default: "error", Doc: "the key for the error message"},
		{Name: "stage_key", Type: "string", Doc: "a key for the name of the stage that failed; default none"},
		{Name: "attempts", Type: "int", Doc: "the flow's retry attempts; default: the flow file's retry.attempts"},
	},
	Keys: "writes key (and stage_key) when it catches an error",
	Build: func(p Params) (flow.Decorator, error) {
		key, err := p.String("key")
		if err != nil {
			return nil, err
		}
		stageKey, err := p.String("stage_key")
		if err != nil {
			return nil, err
		}
		attempts, err := p.Int("attempts")
		if err != nil {
			return nil, err
		}
		if !p.Has("attempts") {
			attempts = engine.Attempts(p.Flow().RetryAttempts)
		}
		if key == "" {
			return nil, &ParamError{Param: "key", Err: errors.New("want a key name")}
		}
		return &catch{key: key, stageKey: stageKey, attempts: attempts}, nil
	},
}

type catch struct {
	key, stageKey string
	attempts      int
}

func (d *catch) Name() string       { return "around(catch)" }
func (d *catch) Expects() []string  { return []string{} }
func (d *catch) Promises() []string { return []string{} }

func (d *catch) Before(context.Context, *flow.Context) error { return nil }

func (d *catch) After(_ context.Context, c *flow.Context, err error) error {
	switch {
	case err == nil, errors.Is(err, flow.ErrStopped):
		return err
	case errors.Is(err, flow.ErrRetry) && c.Attempt() < d.attempts:
		return err
	}
	msg := err.Error()
	var se *flow.StageError
	if errors.As(err, &se) {
		msg = se.Err.Error()
		if d.stageKey != "" {
			c.Set(d.stageKey, se.Stage)
		}
	}
	c.Set(d.key, msg)
	return nil
}
