package actors

import (
	"context"
	"errors"
	"fmt"

	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/internal/engine"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/supervisor"
)

// The supervision tree: a root supervisor over one supervisor per service
// stage, each over the stage's instances. An instance's failure goes to its
// stage's supervisor; when that one exceeds its intensity it escalates to the
// root, which restarts the stage (and its siblings, by the root's strategy)
// or, exceeding its own intensity, fails the flow.
type supervision struct {
	rt     *Runtime
	root   *supervisor.Supervisor
	stages map[int]*supervisor.Supervisor // by node index
}

// child adapts an instance to supervisor.Child: stopping and starting it
// stops and starts (or rebuilds) its service, under the instance's lock so no
// call runs meanwhile. The actor and its mailbox stay: nothing queued is lost.
type child struct{ in *instance }

func (c child) Name() string { return c.in.name }

func (c child) Stop(ctx context.Context) error {
	c.in.mu.Lock()
	defer c.in.mu.Unlock()
	if s, ok := c.in.svc.(flow.Stopper); ok && c.in.svc != nil {
		return s.Stop(ctx)
	}
	return nil
}

func (c child) Start(ctx context.Context) error {
	c.in.mu.Lock()
	defer c.in.mu.Unlock()
	svc, err := c.in.rt.newService(ctx, c.in.node)
	if err != nil {
		return err
	}
	c.in.svc = svc
	return nil
}

func newSupervision(rt *Runtime) *supervision {
	s := &supervision{rt: rt, stages: map[int]*supervisor.Supervisor{}}
	var subs []supervisor.Child
	for i, n := range rt.prog.Nodes {
		if n.Op != engine.OpCall {
			continue
		}
		spec, ok := rt.cfg.stageSpecs[n.Name]
		if !ok {
			spec = rt.cfg.supervision
		}
		var kids []supervisor.Child
		for _, in := range rt.instances[i] {
			kids = append(kids, child{in})
		}
		sup := supervisor.New(n.Name, spec, kids...)
		s.stages[i] = sup
		subs = append(subs, sup)
	}
	s.root = supervisor.New(rt.prog.Name, rt.cfg.supervision, subs...)
	return s
}

// recovered tells in's supervisor that it has worked since its last restart.
func (s *supervision) recovered(in *instance) { s.stages[in.node].Recovered(in.name) }

// failed handles a Fatal error (or panic) of in; it returns once the service
// is restarted, or with the error that gave up.
func (s *supervision) failed(in *instance, cause error) error {
	rt := s.rt
	sup := s.stages[in.node]
	err := sup.Failed(rt.ctx, in.name, cause)
	var esc *supervisor.EscalationError
	if errors.As(err, &esc) {
		rt.ev.add(snapshot.EventEscalation, in.name, 0, err.Error())
		rt.cfg.logger.Warn("stage escalated to the flow", "stage", in.name, "err", err)
		err = s.root.Failed(rt.ctx, sup.Name(), err)
		if errors.As(err, &esc) {
			rt.escalate(err)
			return err
		}
	}
	if err != nil {
		return fmt.Errorf("restart of %q abandoned: %w", in.name, err)
	}
	add1(&in.stats.restarts)
	st := sup.Stats()
	rt.ev.add(snapshot.EventRestart, in.name, 0, fmt.Sprintf("restart %d/%d within %v: %v", st.Used, st.MaxRestarts, st.Within, cause))
	rt.cfg.logger.Info("stage restarted", "stage", in.name, "cause", cause)
	return nil
}

func (s *supervision) snapshot() []snapshot.Supervisor {
	out := []snapshot.Supervisor{supSnapshot(s.root.Stats(), "")}
	for i := range s.rt.prog.Nodes {
		if sup, ok := s.stages[i]; ok {
			out = append(out, supSnapshot(sup.Stats(), s.root.Name()))
		}
	}
	return out
}

func supSnapshot(st supervisor.Stats, parent string) snapshot.Supervisor {
	ss := snapshot.Supervisor{
		Name: st.Name, Parent: parent, Strategy: st.Strategy.String(),
		MaxRestarts: st.MaxRestarts, Within: st.Within, Restarts: st.Used, Escalated: st.Escalated,
	}
	for _, c := range st.Children {
		ss.Children = append(ss.Children, c.Name)
	}
	return ss
}
