package bench

import (
	"context"
	"fmt"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
)

// Flow returns the benchmark's flow: five stages in a line, or the fork shape.
func Flow(fork bool) *flow.Flow {
	s := func(name string) flow.Service { return flow.Func(name, inc) }
	if !fork {
		return flow.New(s("s1"), s("s2"), s("s3"), s("s4"), s("s5")).Named("bench-linear")
	}
	return flow.New(s("s1"), flow.Fork("kind", flow.Branches{
		"a": flow.New(s("a1"), s("a2")),
		"b": flow.New(s("b1"), s("b2")),
	}), s("s4")).Named("bench-fork")
}

type actorPipeline struct {
	rt  *actors.Runtime
	ctx context.Context
	in  []map[string]any // the inputs, used in turn
}

func openActors(ctx context.Context, fork bool) (Pipeline, error) {
	rt, err := actors.Start(ctx, Flow(fork), actors.MaxInFlight(chanBuffer*5))
	if err != nil {
		return nil, err
	}
	return &actorPipeline{rt: rt, ctx: ctx, in: inputs[:]}, nil
}

// Run submits n inputs from one goroutine and receives their results in
// this one with a plain receive, as the channel reference does (a select on
// an error channel too would cost the actors a select per input). A Submit
// error drains the runtime, which closes Results: then Run returns it.
func (p *actorPipeline) Run(n int) error {
	errc := make(chan error, 1)
	go func() {
		for i := range n {
			if err := p.rt.Submit(p.ctx, p.in[i%len(p.in)]); err != nil {
				_ = p.rt.Drain(p.ctx)
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	results := p.rt.Results()
	for range n {
		r, ok := <-results
		if !ok {
			return <-errc
		}
		if r.Status != flow.Done {
			return fmt.Errorf("bench: input failed: %v", r.Err)
		}
	}
	return <-errc
}

func (p *actorPipeline) Close() error {
	err := p.rt.Drain(p.ctx)
	for range p.rt.Results() {
	}
	return err
}
