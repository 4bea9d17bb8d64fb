package engine

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/serviceflow/serviceflow/backoff"
)

// Service is what a call node runs: flow.Service, for C = *flow.Context.
type Service[C any] interface {
	Call(ctx context.Context, c C) error
}

// Decorator is what an enter and an exit node run: flow.Decorator.
type Decorator[C any] interface {
	Before(ctx context.Context, c C) error
	After(ctx context.Context, c C, err error) error
}

// Op is the kind of a node.
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

// NoDefault is a fork node's Default when it has no Default branch.
const NoDefault = -2

// Program is a flow compiled into nodes with explicit successors. Nodes are
// in flow order: the entry is node 0, a fork's branches follow it, a
// decorator's exit follows its scope. A Program must not be modified once
// sealed (see Seal).
type Program[C any] struct {
	Name  string
	Nodes []Node[C]

	MaxAttempts    int                 // attempts per input in all, the first included (≥ 1)
	RetryBackoff   backoff.Exponential // delay before attempt n+1: RetryBackoff.Delay(n)
	Redeliveries   int                 // redeliveries of one input after Fatal (≥ 0)
	RestartBackoff backoff.Exponential // flow.Run's delay before its n-th restart for one input

	Rules *Rules[C]

	stuck atomic.Int64 // abandoned calls that have not returned yet
}

// Node is one step of a Program.
type Node[C any] struct {
	Op   Op
	Name string // stage name: the service's, "fork(key)", "around(T)"
	Path string // the branches leading here, e.g. "kind=book"; "" on the main line
	Next int    // the node after this one succeeds; End when the flow is done

	Service Service[C]     // OpCall: the service (for Build stages, Config.New builds it)
	Config  StageConfig[C] // OpCall: its options

	Key      string   // OpFork: the context key routed on
	Branches []Branch // OpFork: in a stable order
	Default  int      // OpFork: entry of the default branch; NoDefault if none

	Decorator Decorator[C] // OpEnter and OpExit
	Exit      int          // OpEnter: index of the matching OpExit node

	routes map[any]int // OpFork: value → branch entry; built by Seal
}

// StageConfig is a call node's options, as the flow's Stage options set them.
type StageConfig[C any] struct {
	Name        string        // stage name
	Concurrency int           // instances running at once (≥ 1)
	Timeout     time.Duration // per-call deadline; 0 for none
	Expects     []string      // keys read; nil when undeclared
	Promises    []string      // keys written; nil when undeclared
	AffinityKey string        // with Concurrency > 1: same value, same instance
	Batch       BatchPolicy   // for a BatchService: how inputs are grouped into calls
	// New builds a fresh instance of the service (flow.Build): for each
	// instance of a pool and again after each restart. Nil: use Service.
	New func() (Service[C], error)
}

// BatchPolicy is a batched stage's grouping of inputs into calls, with the
// defaults (DefaultBatchWait) applied.
type BatchPolicy struct {
	Size int           // the largest batch; 0: not batched, one input per Call
	Wait time.Duration // the longest an input waits for its batch to fill; 0: no waiting
}

// Batched reports whether the stage's calls are batched.
func (b BatchPolicy) Batched() bool { return b.Size > 0 }

// Branch is one branch of a fork node.
type Branch struct {
	Value any    // the value that selects it
	Label string // fmt.Sprint(Value)
	Entry int    // the branch's first node (the fork's Next for an empty branch)
}

// Seal finishes a program whose nodes were added in any order: it renumbers
// them into flow order starting at entry, suffixes repeated names with #2,
// #3, ... (so runtimes and monitors can key on names) and builds the forks'
// routes.
func (p *Program[C]) Seal(entry int) {
	p.reorder(entry)
	p.uniqueNames()
}

func (p *Program[C]) uniqueNames() {
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

// reorder renumbers nodes into flow order, starting at entry.
func (p *Program[C]) reorder(entry int) {
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
	nodes := make([]Node[C], len(order))
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
