package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// Pump runs a flow from a source to sinks, at least once: it submits each
// record's values to the runtime (with its key under KeyValue: start the
// runtime with actors.Affinity(stream.KeyValue) to keep per-key order), writes each result to Out (and a Failed
// input's original values to Dead), and acknowledges the record once those
// writes are durable. A malformed record is passed to Malformed and
// acknowledged at once.
type Pump struct {
	Source Source
	Out    Sink // every result
	Dead   Sink // the original input of every Failed one; nil for none
	// Encode turns a result into the message written to Out; nil writes the
	// result's values object (what a next flow reads).
	Encode func(res flow.Result) ([]byte, error)
	// Malformed is told of every malformed record; nil ignores them.
	Malformed func(Record)
	// DrainTimeout bounds the drain once ctx is cancelled (default 10 s):
	// inputs still in flight then are reported Failed and dead-lettered.
	DrainTimeout time.Duration
}

// Run feeds p.Source into rt until the source ends or ctx is cancelled,
// then drains rt, flushes the sinks and closes the source (which commits
// what was acknowledged). It returns the first error of the source, of a
// write, or of the flow. rt must be fresh; Run drains it.
func (p *Pump) Run(ctx context.Context, rt *actors.Runtime) error {
	d := NewDeliveries(p.Source)
	encode := p.Encode
	if encode == nil {
		encode = EncodeValues
	}
	// Results are written even while draining after ctx's end.
	wctx := context.WithoutCancel(ctx)
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		for res := range rt.Results() {
			p.deliver(wctx, d, res, encode)
		}
	}()

	var errs []error
	for {
		rec, err := p.Source.Next(ctx)
		if err != nil {
			if !errors.Is(err, io.EOF) && ctx.Err() == nil {
				errs = append(errs, fmt.Errorf("stream: source: %w", err))
			}
			break
		}
		if rec.Bad != nil {
			if p.Malformed != nil {
				p.Malformed(rec)
			}
			d.Ack(rec)
			continue
		}
		if rec.Key != nil {
			rec.Values[KeyValue] = string(rec.Key)
		}
		c := flow.NewContext(rec.Values)
		d.Expect(c.ID(), rec)
		if err := rt.SubmitContext(ctx, c); err != nil {
			d.Take(c.ID()) // not admitted: not acknowledged, so delivered again
			break
		}
	}

	timeout := p.DrainTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if err := rt.Drain(dctx); err != nil {
		errs = append(errs, err)
	}
	<-consumed
	for _, s := range []Sink{p.Out, p.Dead} {
		if s != nil {
			if err := s.Flush(dctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	errs = append(errs, d.Err(), p.Source.Close(dctx))
	return errors.Join(errs...)
}

func (p *Pump) deliver(ctx context.Context, d *Deliveries, res flow.Result, encode func(flow.Result) ([]byte, error)) {
	rec, ok := d.Take(res.Context.ID())
	writes := 1
	dead := p.Dead != nil && res.Status == flow.Failed
	if dead {
		writes++
	}
	done := func(error) {}
	if ok {
		done = d.After(rec, writes)
	}
	// A Write that fails has called done with its error already.
	b, err := encode(res)
	if err != nil {
		done(fmt.Errorf("stream: encode result: %w", err))
	} else {
		_ = p.Out.Write(ctx, Message{Key: rec.Key, Value: b}, done)
	}
	if dead {
		b, err := json.Marshal(visible(res.Context.Input()))
		if err != nil {
			done(fmt.Errorf("stream: encode dead letter: %w", err))
		} else {
			_ = p.Dead.Write(ctx, Message{Key: rec.Key, Value: b}, done)
		}
	}
}

// EncodeValues encodes a result as its values object alone, so the output
// of one flow is the input of the next.
func EncodeValues(res flow.Result) ([]byte, error) {
	return json.Marshal(visible(maps.Collect(res.Context.All())))
}

// visible drops the keys services keep for themselves (those starting
// with a NUL byte, like KeyValue) from a copy of m.
func visible(m map[string]any) map[string]any {
	for k := range m {
		if strings.HasPrefix(k, "\x00") {
			m = maps.Clone(m)
			maps.DeleteFunc(m, func(k string, _ any) bool { return strings.HasPrefix(k, "\x00") })
			break
		}
	}
	return m
}
