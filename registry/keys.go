package registry

// KeyUse is one place where a service's parameter reads a context key: an
// identifier in an expression. Line and Column count from 1 within the
// parameter's text (the entry's, for a map parameter).
type KeyUse struct {
	Key          string // the context key read
	Param        string // the parameter ("set", "if")
	Entry        string // the entry of a map parameter ("total"), or ""
	Line, Column int
}

// KeyUser is implemented by built services whose parameters read context
// keys, so that a flow file can point a problem with a key (nothing
// upstream sets it) at the expression that reads it rather than at the step.
type KeyUser interface {
	KeyUses() []KeyUse
}

// KeyTyper is implemented by built services that know the types of some of
// the keys they set: an example value for each, as in FlowInfo.KeyTypes.
// A flow file passes them on to the steps downstream, so that their
// expressions are type-checked against computed keys too, not only against
// typed inputs. A promised key missing from the map has an unknown type.
type KeyTyper interface {
	KeyTypes() map[string]any
}
