package engine

import (
	"context"
	"fmt"
)

type starter interface {
	Start(ctx context.Context) error
}

// Start returns a started instance of a call node's service: a fresh build
// when the stage has a factory (Config.New), else the node's Service; then
// its Start, if it has one (flow.Starter). Runtimes call it for each instance
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
