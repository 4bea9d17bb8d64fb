package registry

import (
	"fmt"
	"strings"
)

// Description is what the CLI's services command shows for one service or
// decorator.
type Description struct {
	Name      string
	Decorator bool // used with around:, not service:
	Batches   bool // takes batch: in a flow file
	Doc       string
	Params    []Param
	// Expects and Promises are the Spec's fixed keys; Keys describes keys
	// that depend on the parameters.
	Expects, Promises []string
	Keys              string
}

// Describe describes every registered service, then every decorator, each
// sorted by name.
func (r *Registry) Describe() []Description {
	var ds []Description
	for _, name := range r.Names() {
		s, _ := r.Lookup(name)
		d := Description{Name: name, Batches: s.Batches, Doc: s.Doc, Params: s.Params, Keys: s.Keys, Expects: s.Expects, Promises: s.Promises}
		ds = append(ds, d)
	}
	for _, name := range r.DecoratorNames() {
		s, _ := r.LookupDecorator(name)
		ds = append(ds, Description{Name: name, Decorator: true, Doc: s.Doc, Params: s.Params, Keys: s.Keys})
	}
	return ds
}

// String formats the description for a terminal: the name, the doc, one
// line per parameter, and the keys.
func (d Description) String() string {
	var b strings.Builder
	kind := "service"
	if d.Batches {
		kind = "service, takes batch:"
	}
	if d.Decorator {
		kind = "decorator (around:)"
	}
	fmt.Fprintf(&b, "%s — %s\n  %s\n", d.Name, kind, d.Doc)
	for _, p := range d.Params {
		fmt.Fprintf(&b, "  %-10s %-18s", p.Name, p.Type)
		switch {
		case p.Required:
			b.WriteString(" required")
		case p.Default != nil:
			fmt.Fprintf(&b, " default %v", p.Default)
		}
		if p.Doc != "" {
			fmt.Fprintf(&b, "  %s", p.Doc)
		}
		b.WriteString("\n")
	}
	if d.Expects != nil || d.Promises != nil {
		fmt.Fprintf(&b, "  expects: %s; promises: %s\n", keyList(d.Expects), keyList(d.Promises))
	}
	if d.Keys != "" {
		fmt.Fprintf(&b, "  keys: %s\n", d.Keys)
	}
	return b.String()
}

func keyList(keys []string) string {
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}
