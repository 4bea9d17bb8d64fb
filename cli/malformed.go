package cli

import (
	"io"
	"log/slog"
	"strconv"

	"github.com/serviceflow/serviceflow/jsonl"
)

// malformedReport writes one structured line per malformed input line to
// stderr, or, under the terminal UI (which owns the screen), keeps the
// first ones and writes them when the UI has closed.
type malformedReport struct {
	log      *slog.Logger
	deferred bool
	kept     []*jsonl.LineError
	omitted  int
	maxKept  int
}

func newMalformedReport(w io.Writer, deferred bool) *malformedReport {
	h := slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: dropTime})
	return &malformedReport{log: slog.New(h), deferred: deferred, maxKept: 100}
}

func (r *malformedReport) add(le *jsonl.LineError) {
	if !r.deferred {
		r.write(le)
		return
	}
	if len(r.kept) < r.maxKept {
		r.kept = append(r.kept, le)
		return
	}
	r.omitted++
}

func (r *malformedReport) write(le *jsonl.LineError) {
	preview, err := strconv.Unquote(le.Preview) // slog quotes it again, safely
	if err != nil {
		preview = le.Preview
	}
	args := []any{"line", le.Line, "reason", le.Reason, "preview", preview}
	if le.Err != nil {
		args = append(args, "detail", le.Err.Error())
	}
	r.log.Warn("malformed line", args...)
}

// flush writes what was kept under the terminal UI.
func (r *malformedReport) flush() {
	for _, le := range r.kept {
		r.write(le)
	}
	r.kept = nil
	if r.omitted > 0 {
		r.log.Warn("more malformed lines not shown", "count", r.omitted)
	}
}
