package engine

// Cursor is one input's position in a Program: the node it executes next,
// the decorator scopes it has open, the error it carries to the next
// decorator exit, and its attempt. package flow keeps one in every
// flow.Context; the zero Cursor is at attempt 0 and must be Begun.
type Cursor struct {
	pc      int   // the node to execute next; End when finished
	frames  []int // open decorator scopes: indices of their exit nodes
	err     error // the error travelling to the next decorator exit or the end
	attempt int
}

// Attempt is 1 on an input's first attempt and grows by one with each retry.
func (c *Cursor) Attempt() int { return c.attempt }

// SetAttempt sets the attempt, for a new context (1) or a copy of one.
func (c *Cursor) SetAttempt(n int) { c.attempt = n }

// Clone is a copy of the cursor that shares nothing with it.
func (c *Cursor) Clone() Cursor {
	d := *c
	d.frames = append([]int(nil), c.frames...)
	return d
}
