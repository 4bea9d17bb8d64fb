package actors

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/serviceflow/serviceflow/internal/engine"
	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/supervisor"
)

// The supervision tree: a root supervisor over one supervisor per service
// stage (in flow order), each over the stage's instances.
//
// With a one-for-one root, an instance's failure goes to its stage's
// supervisor, which restarts the instance (or the stage's pool, by the
// stage's strategy); when that one exceeds its intensity it escalates to the
// root, which restarts the stage or, exceeding its own intensity, fails the
// flow. With an all-for-one or rest-for-one root, the strategy is the
// flow's, across its stages, as in Erlang/OTP: a failure goes straight to
// the root, which restarts every stage (all-for-one) or the failed stage and
// every stage after it in flow order (rest-for-one), each stage's instances
// stopped and started again. A stage with its own supervision
// (StageSupervision) still goes to its own supervisor first, and reaches the
// root's strategy when it escalates.
type supervision struct {
	rt     *Runtime
	root   *supervisor.Supervisor
	stages map[int]*supervisor.Supervisor // by node index
	direct map[int]bool                   // stages whose failures go straight to the root
}

// child adapts an instance to supervisor.Child: stopping and starting it
// stops and starts (or rebuilds) its service, under the instance's lock so no
// call runs meanwhile. The actor and its mailbox stay: nothing queued is lost.
type child struct{ in *instance }

func (c child) Name() string { return c.in.name }

func (c child) Stop(ctx context.Context) error {
	c.in.mu.Lock()
	defer c.in.mu.Unlock()
	return c.in.rt.prog.Stop(ctx, c.in.svc)
}

func (c child) Start(ctx context.Context) error {
	c.in.mu.Lock()
	defer c.in.mu.Unlock()
	svc, err := c.in.rt.newService(ctx, c.in.node)
	if err != nil {
		return err
	}
	c.in.svc = svc
	add1(&c.in.stats.restarts) // the first start is not a Start of the child
	return nil
}

func newSupervision(rt *Runtime) *supervision {
	s := &supervision{rt: rt, stages: map[int]*supervisor.Supervisor{}, direct: map[int]bool{}}
	var subs []supervisor.Child
	for i, n := range rt.prog.Nodes {
		if n.Op != engine.OpCall {
			continue
		}
		spec, ok := rt.cfg.stageSpecs[n.Name]
		if !ok {
			spec = rt.cfg.supervision
			s.direct[i] = spec.Strategy != supervisor.OneForOne
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
func (s *supervision) recovered(in *instance) {
	if s.direct[in.node] {
		s.root.Recovered(s.stages[in.node].Name())
		return
	}
	s.stages[in.node].Recovered(in.name)
}

// failed handles a Fatal error (or panic) of in; it returns once the service
// is restarted, or with the error that gave up.
func (s *supervision) failed(in *instance, cause error) error {
	rt := s.rt
	sup := s.stages[in.node]
	var esc *supervisor.EscalationError
	if s.direct[in.node] {
		err := s.root.Failed(rt.ctx, sup.Name(), cause)
		if errors.As(err, &esc) {
			rt.ev.add(snapshot.EventEscalation, in.name, 0, err.Error())
			rt.escalate(err)
			return err
		}
		if err != nil {
			return fmt.Errorf("restart of %q abandoned: %w", in.name, err)
		}
		st := s.root.Stats()
		rt.ev.add(snapshot.EventRestart, in.name, 0, fmt.Sprintf("restart %d/%d within %v (%v: %s): %v", st.Used, st.MaxRestarts, st.Within, st.Strategy, s.restarted(in.node), cause))
		rt.cfg.logger.Info("stages restarted", "stage", in.name, "strategy", st.Strategy.String(), "restarted", s.restarted(in.node), "cause", cause)
		return nil
	}
	err := sup.Failed(rt.ctx, in.name, cause)
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
	st := sup.Stats()
	rt.ev.add(snapshot.EventRestart, in.name, 0, fmt.Sprintf("restart %d/%d within %v: %v", st.Used, st.MaxRestarts, st.Within, cause))
	rt.cfg.logger.Info("stage restarted", "stage", in.name, "cause", cause)
	return nil
}

// restarted names the stages the root's strategy restarts when stage node
// fails.
func (s *supervision) restarted(node int) string {
	var names []string
	from := s.root.Spec().Strategy == supervisor.RestForOne
	for i := range s.rt.prog.Nodes {
		sup, ok := s.stages[i]
		if !ok || (from && i < node) {
			continue
		}
		names = append(names, sup.Name())
	}
	return strings.Join(names, ", ")
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
