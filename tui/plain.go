package tui

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

// plainEvery is how often the plain renderer prints a progress line.
const plainEvery = 3 * time.Second

// plainLog is the plain renderer's state: when it last printed progress
// and which events of the previous snapshot it has printed.
type plainLog struct {
	w        io.Writer
	every    time.Duration
	last     time.Time
	printed  map[string]bool
	progress bool
}

func newPlainLog(w io.Writer, every time.Duration) *plainLog {
	return &plainLog{w: w, every: every, printed: map[string]bool{}}
}

// step prints the events of s not yet printed, then a progress line when
// one is due at now.
func (p *plainLog) step(s snapshot.Snapshot, now time.Time) error {
	var b strings.Builder
	seen := make(map[string]bool, len(s.Events))
	for _, e := range s.Events { // oldest first
		k := e.Time.Format(time.RFC3339Nano) + "\x00" + string(e.Kind) + "\x00" + e.Stage + "\x00" + e.Message
		seen[k] = true
		if p.printed[k] {
			continue
		}
		kv(&b, "time", e.Time.UTC().Format(time.RFC3339))
		kv(&b, "event", string(e.Kind))
		if e.Stage != "" {
			kv(&b, "stage", e.Stage)
		}
		if e.Input != 0 {
			kv(&b, "input", utoa(e.Input))
		}
		kv(&b, "msg", e.Message)
		endLine(&b)
	}
	p.printed = seen // the ring only ever drops its oldest events
	if !p.progress || now.Sub(p.last) >= p.every {
		p.progress, p.last = true, now
		progress(&b, s)
		endLine(&b)
	}
	_, err := io.WriteString(p.w, b.String())
	return err
}

// summary prints the final line.
func (p *plainLog) summary(s snapshot.Snapshot) error {
	var b strings.Builder
	kv(&b, "msg", "summary")
	progress(&b, s)
	kv(&b, "admitted", utoa(s.Totals.Admitted))
	kv(&b, "retried", utoa(s.Totals.Retried))
	kv(&b, "dead_letters", strconv.Itoa(len(s.DeadLetters)))
	if s.Err != "" {
		kv(&b, "err", s.Err)
	}
	endLine(&b)
	_, err := io.WriteString(p.w, b.String())
	return err
}

func progress(b *strings.Builder, s snapshot.Snapshot) {
	t := s.Totals
	kv(b, "flow", s.Flow)
	kv(b, "state", string(s.State))
	if !s.Started.IsZero() && !s.Taken.IsZero() {
		kv(b, "uptime", s.Taken.Sub(s.Started).Round(time.Second).String())
	}
	kv(b, "in/s", strconv.FormatFloat(s.InRate, 'f', 1, 64))
	kv(b, "out/s", strconv.FormatFloat(s.OutRate, 'f', 1, 64))
	kv(b, "inflight", strconv.Itoa(t.InFlight)+"/"+strconv.Itoa(s.MaxInFlight))
	kv(b, "done", utoa(t.Done))
	kv(b, "stopped", utoa(t.Stopped))
	kv(b, "failed", utoa(t.Failed))
	kv(b, "restarts", utoa(t.Restarts))
	partitionsField(b, s)
	degradedField(b, s)
}

// kv appends key=value, quoting the sanitised value when logfmt needs it.
func kv(b *strings.Builder, k, v string) {
	if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
		b.WriteByte(' ')
	}
	b.WriteString(k)
	b.WriteByte('=')
	v = clean(v, maxLine)
	if v == "" || strings.ContainsAny(v, " =\"\\") {
		v = strconv.Quote(v)
	}
	b.WriteString(v)
}

func endLine(b *strings.Builder) { b.WriteByte('\n') }

func runPlain(ctx context.Context, src Source, opts Options) error {
	p := newPlainLog(opts.Out, max(plainEvery, opts.Refresh))
	t := time.NewTicker(opts.Refresh)
	defer t.Stop()
	for {
		if err := p.step(src.Snapshot(), time.Now()); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			s := src.Snapshot()
			p.printedEvents(s)
			if opts.NoSummary {
				return nil
			}
			return p.summary(s)
		case <-t.C:
		}
	}
}

// printedEvents prints the last events before the summary.
func (p *plainLog) printedEvents(s snapshot.Snapshot) {
	p.progress = true
	p.last = time.Now()
	_ = p.step(s, p.last)
}

// runJSON writes snapshots as JSON lines in the snapshot package's schema.
func runJSON(ctx context.Context, src Source, opts Options) error {
	enc := snapshot.NewEncoder(opts.Out)
	t := time.NewTicker(opts.Refresh)
	defer t.Stop()
	for {
		if err := enc.Encode(src.Snapshot()); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return enc.Encode(src.Snapshot())
		case <-t.C:
		}
	}
}
