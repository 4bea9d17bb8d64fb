package cli

import (
	"fmt"
	"io"

	"github.com/serviceflow/serviceflow/flowfile"
)

// load loads the flow file at path and, with check, validates its wiring.
// When it has problems it writes each, with its file:line:column, to w and
// returns a usage error that has been reported.
func (e *env) load(path string, w io.Writer, check bool, opts ...flowfile.Option) (*flowfile.File, error) {
	opts = append(opts, flowfile.CheckStreams(checkStream))
	f, err := flowfile.LoadFile(path, e.reg, opts...)
	if err == nil && check {
		err = f.Validate()
	}
	if err == nil {
		return f, nil
	}
	problems := flowfile.Errors(err)
	for _, p := range problems {
		fmt.Fprintln(w, p)
	}
	if len(problems) > 1 {
		fmt.Fprintf(w, "%s: %d problems\n", path, len(problems))
	}
	return nil, withCode(ExitUsage, nil)
}
