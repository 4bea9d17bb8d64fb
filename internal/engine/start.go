package engine

import (
	"context"
	"fmt"
	"runtime/debug"
)

type starter interface {
	Start(ctx context.Context) error
}

// Start returns a started instance of a call node's service: a fresh build
// when the stage has a factory (Config.New), else the node's Service; then
// its Start, if it has one (see flow.Service). Runtimes call it for each instance
// and again after each restart (after stopping the old one).
func (n *Node[C]) Start(ctx context.Context) (Service[C], error) {
	svc := n.Service
	if n.Config.New != nil {
		var err error
		if svc, err = n.Config.New(); err != nil {
			return nil, err
		}
		if svc == nil {
			return nil, fmt.Errorf("build of %q returned a nil service", n.Name)
		}
	}
	if s, ok := svc.(starter); ok {
		if err := s.Start(ctx); err != nil {
			return nil, err
		}
	}
	return svc, nil
}

// Start is node i's Start, with a panic in its factory or its Start turned
// into the Rules' Panic error. Runtimes start services through it.
func (p *Program[C]) Start(ctx context.Context, i int) (svc Service[C], err error) {
	defer func() {
		if r := recover(); r != nil {
			svc, err = nil, p.Rules.Panic(r, debug.Stack())
		}
	}()
	return p.Nodes[i].Start(ctx)
}

// Stop calls svc's Stop, if it has one, with a panic turned
// into the Rules' Panic error. Runtimes stop services through it.
func (p *Program[C]) Stop(ctx context.Context, svc Service[C]) (err error) {
	s, ok := svc.(stopper)
	if !ok {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = p.Rules.Panic(r, debug.Stack())
		}
	}()
	return s.Stop(ctx)
}
