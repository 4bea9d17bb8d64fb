package registry

import (
	"context"
	"log/slog"

	"github.com/serviceflow/serviceflow/flow"
)

var logSpec = Spec{
	Doc: "Logs the input's ID, attempt and chosen keys with log/slog.",
	Params: []Param{
		{Name: "keys", Type: "list of strings", Doc: "the keys to log; default all"},
		{Name: "message", Type: "string", Default: "flow input", Doc: "the log message"},
		{Name: "level", Type: "string", Default: "info", Doc: "debug, info, warn or error"},
	},
	Expects: []string{}, Promises: []string{},
	Keys: "reads nothing it requires: missing keys are logged as missing",
	Build: func(p Params) (flow.Service, error) {
		keys, err := p.Strings("keys")
		if err != nil {
			return nil, err
		}
		msg, err := p.String("message")
		if err != nil {
			return nil, err
		}
		lvl, err := p.String("level")
		if err != nil {
			return nil, err
		}
		var level slog.Level
		if err := level.UnmarshalText([]byte(lvl)); err != nil {
			return nil, &ParamError{Param: "level", Err: err}
		}
		return &logService{keys: keys, msg: msg, level: level}, nil
	},
}

type logService struct {
	keys  []string
	msg   string
	level slog.Level
}

func (s *logService) Name() string       { return "log" }
func (s *logService) Expects() []string  { return []string{} }
func (s *logService) Promises() []string { return []string{} }

// Call logs with slog.Default at the time of the call.
func (s *logService) Call(ctx context.Context, c *flow.Context) error {
	l := slog.Default()
	if !l.Enabled(ctx, s.level) {
		return nil
	}
	attrs := []slog.Attr{slog.Uint64("input", c.ID()), slog.Int("attempt", c.Attempt())}
	if s.keys == nil {
		for k, v := range c.All() {
			attrs = append(attrs, slog.Any(k, v))
		}
	}
	for _, k := range s.keys {
		if v, ok := c.Get(k); ok {
			attrs = append(attrs, slog.Any(k, v))
		} else {
			attrs = append(attrs, slog.String(k, "<missing>"))
		}
	}
	l.LogAttrs(ctx, s.level, s.msg, attrs...)
	return nil
}
