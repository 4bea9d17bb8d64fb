package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Op is the kind of a Program node.
type Op uint8

// The node kinds.
const (
	OpCall  Op = iota + 1 // call a service
	OpFork                // route on a context value to a branch
	OpEnter               // a decorator's Before; opens its scope
	OpExit                // a decorator's After; closes its scope
)

func (o Op) String() string {
	switch o {
	case OpCall:
		return "call"
	case OpFork:
		return "fork"
	case OpEnter:
		return "enter"
	case OpExit:
		return "exit"
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// End is the position of a context that has finished the flow.
const End = -1

// Program is a Flow compiled into nodes with explicit successors: nested flows
// inlined, forks pointing at their branches, decorators split into an enter
// and an exit node. Run and package actors both execute Programs with the
// same methods (Step, Fail, Finish), so one flow behaves the same in both.
// Most users never need it.
//
// Nodes are in flow order: the entry is node 0, a fork's branches follow it,
// a decorator's exit follows its scope. A Program must not be modified.
type Program struct {
	Name          string
	Nodes         []Node
	RetryPolicy   RetryPolicy
	RestartPolicy RestartPolicy
}

// Node is one step of a Program.
type Node struct {
	Op   Op
	Name string // stage name: the service's, "fork(key)", "around(T)"
	Path string // the branches leading here, e.g. "kind=book"; "" on the main line
	Next int    // the node after this one succeeds; End when the flow is done

	Service Service     // OpCall: the service (for Build stages, build with Config.New)
	Config  StageConfig // OpCall: its options

	Key      string   // OpFork: the context key routed on
	Branches []Branch // OpFork: in a stable order
	Default  int      // OpFork: entry of the default branch; NoDefault if none

	Decorator Decorator // OpEnter and OpExit
	Exit      int       // OpEnter: index of the matching OpExit node

	routes map[any]int // OpFork: value → branch entry
}

// Start returns a started instance of an OpCall node's service: a fresh build
// when the stage has a factory (Config.New, from Build), else the node's
// Service; then its Start, if it is a Starter. Runtimes call it for each
// instance and again after each restart (after stopping the old one).
func (n *Node) Start(ctx context.Context) (Service, error) {
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
	if s, ok := svc.(Starter); ok {
		if err := s.Start(ctx); err != nil {
			return nil, err
		}
	}
	return svc, nil
}

// NoDefault is a fork node's Default when it has no Default branch.
const NoDefault = -2

// Branch is one branch of a fork node.
type Branch struct {
	Value any    // the value that selects it
	Label string // fmt.Sprint(Value)
	Entry int    // the branch's first node (the fork's Next for an empty branch)
}

// Program compiles f. It fails when a step is nil or a flow contains itself.
// The Program shares f's services; compiling does not start anything.
func (f *Flow) Program() (*Program, error) {
	c := &compiler{open: map[*Flow]bool{}}
	entry := c.flow(f, "", End)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	p := &Program{Name: f.name, Nodes: c.nodes, RetryPolicy: f.retry, RestartPolicy: f.restart}
	p.reorder(entry)
	p.uniqueNames()
	return p, nil
}

// uniqueNames suffixes repeated node names with #2, #3, ... in flow order, so
// runtimes and monitors can key on names. (Validate reports repeated service
// names; a flow run without validating still runs.)
func (p *Program) uniqueNames() {
	seen := map[string]int{}
	for i := range p.Nodes {
		n := &p.Nodes[i]
		seen[n.Name]++
		if k := seen[n.Name]; k > 1 {
			name := fmt.Sprintf("%s#%d", n.Name, k)
			for seen[name] > 0 {
				k++
				name = fmt.Sprintf("%s#%d", n.Name, k)
			}
			seen[name]++
			n.Name = name
			if n.Op == OpCall {
				n.Config.Name = name
			}
		}
	}
}

type compiler struct {
	nodes []Node
	open  map[*Flow]bool // flows being compiled, to catch cycles
	errs  []error
}

func (c *compiler) add(n Node) int {
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
			exit := c.add(Node{Op: OpExit, Name: a.Name() + ".after", Path: path, Next: cont, Decorator: a.d})
			inner := c.seq(steps[i+1:], path, exit)
			enter := c.add(Node{Op: OpEnter, Name: a.Name(), Path: path, Next: inner, Decorator: a.d, Exit: exit})
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
		n := Node{Op: OpFork, Name: s.Name(), Path: path, Next: cont, Key: s.key, Default: NoDefault, routes: map[any]int{}}
		for _, v := range sortedValues(s.branches) {
			label := fmt.Sprint(v)
			entry := c.flow(s.branches[v], join(path, s.key+"="+label), cont)
			n.Branches = append(n.Branches, Branch{Value: v, Label: label, Entry: entry})
			n.routes[v] = entry
		}
		if s.deflt != nil {
			n.Default = c.flow(s.deflt, join(path, s.key+"=*"), cont)
		}
		return c.add(n)
	default:
		n := Node{Op: OpCall, Name: NameOf(s), Path: path, Next: cont, Service: s}
		if st, ok := s.(*stage); ok {
			n.Service, n.Config = st.svc, st.cfg
			n.Config.Expects, n.Config.Promises = st.Expects(), st.Promises()
		} else if d, ok := s.(KeyDeclarer); ok {
			n.Config.Expects, n.Config.Promises = d.Expects(), d.Promises()
		}
		n.Config.Name = n.Name
		n.Config.Concurrency = max(n.Config.Concurrency, 1)
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

// reorder renumbers nodes into flow order, starting at entry.
func (p *Program) reorder(entry int) {
	newIdx := make([]int, len(p.Nodes))
	for i := range newIdx {
		newIdx[i] = End
	}
	order := make([]int, 0, len(p.Nodes))
	var visit func(i int)
	visit = func(i int) {
		for i != End && newIdx[i] == End {
			newIdx[i] = len(order)
			order = append(order, i)
			n := &p.Nodes[i]
			for _, b := range n.Branches {
				visit(b.Entry)
			}
			if n.Op == OpFork && n.Default != NoDefault {
				visit(n.Default)
			}
			i = n.Next
		}
	}
	visit(entry)
	re := func(i int) int {
		if i < 0 {
			return i
		}
		return newIdx[i]
	}
	nodes := make([]Node, len(order))
	for to, from := range order {
		n := p.Nodes[from]
		n.Next = re(n.Next)
		n.Exit = re(n.Exit)
		if n.Op == OpFork {
			n.Default = re(n.Default)
			n.Branches = slices.Clone(n.Branches)
			for i := range n.Branches {
				n.Branches[i].Entry = re(n.Branches[i].Entry)
			}
			n.routes = make(map[any]int, len(n.Branches))
			for _, b := range n.Branches {
				n.routes[b.Value] = b.Entry
			}
		}
		nodes[to] = n
	}
	p.Nodes = nodes
}
