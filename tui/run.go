package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// Mode selects how Run shows a flow.
type Mode int

const (
	// Auto shows the terminal UI when Out is a terminal, else Plain.
	Auto Mode = iota
	// TUI is the interactive terminal UI; Run fails when Out is not a terminal.
	TUI
	// Plain writes a logfmt progress line every few seconds, one line per
	// lifecycle event and a final summary, with no ANSI codes.
	Plain
	// JSON writes one snapshot per refresh as NDJSON.
	JSON
	// Off shows nothing; Run waits for ctx.
	Off
)

// Refresh bounds and default.
const (
	DefaultRefresh = 250 * time.Millisecond
	MinRefresh     = 100 * time.Millisecond
	MaxRefresh     = 10 * time.Second
)

// Options configure Run. The zero value is valid: Auto mode at the default
// refresh, on stdout, with keys from the terminal.
type Options struct {
	Mode    Mode
	Refresh time.Duration // how often to poll the source; clamped to [MinRefresh, MaxRefresh]
	Out     io.Writer     // default os.Stdout
	In      io.Reader     // the TUI's keyboard; nil: the terminal, even when stdin is a pipe of inputs
	NoColor bool          // no colours; also when the NO_COLOR variable is set
	// Attached says src watches a flow another process owns (flowrun
	// attach): q and ctrl+c detach at once, leaving the flow running, and the
	// keys say "detach" rather than "drain & quit".
	Attached bool
	// Done, when closed, says the run is over (its stream ended and it
	// drained): the terminal UI shows a final summary and holds it until the
	// user quits, so a run of 25 ms can still be read; Run then returns.
	// Other modes ignore it and end with ctx, as does a cancelled ctx.
	Done <-chan struct{}
	// ExitOnDone makes the terminal UI quit when Done closes instead.
	ExitOnDone bool
	// Record, when set, receives every snapshot the monitor takes, as NDJSON
	// in the snapshot package's versioned schema (snapshot.NewEncoder): a
	// recording Replay plays back. In Off mode Run then polls at Refresh
	// just to record. Run returns the first error writing it.
	Record io.Writer
	// Speed is Replay's initial playback speed, 1 (real time) when zero.
	Speed float64
	// NoSummary leaves out plain mode's final summary line, for a caller
	// that prints its own accounting (as flowrun does).
	NoSummary bool
}

// ErrNotTerminal is returned by Run in TUI mode when Out is not a terminal.
var ErrNotTerminal = errors.New("tui: output is not a terminal")

// Run shows src until ctx is done or, in the terminal UI, until the user
// quits. Quitting (q or ctrl+c) calls src.Drain and returns once it does,
// with its error if it failed (a source that does not own its flow, such as
// monitor.Client, returns snapshot.ErrNotOwner: the monitor just detaches
// and Run returns nil); a second ctrl+c returns at once, cancelling
// the drain's context. Plain and JSON modes write a final summary or
// snapshot when ctx is done. Run blocks and returns nil on a normal end; it
// never starts the terminal UI without a terminal.
func Run(ctx context.Context, src Source, opts Options) error {
	opts = opts.withDefaults()
	mode := opts.Mode
	if mode == Auto {
		mode = Plain
		if isTerminal(opts.Out) && os.Getenv("TERM") != "dumb" {
			mode = TUI
		}
	}
	if mode == TUI && !isTerminal(opts.Out) {
		return ErrNotTerminal
	}
	var rec *recorder
	if opts.Record != nil {
		rec = record(src, opts.Record)
		src = rec
	}
	var err error
	switch mode {
	case TUI:
		err = runTUI(ctx, src, opts)
	case Plain:
		err = runPlain(ctx, src, opts)
	case JSON:
		err = runJSON(ctx, src, opts)
	default:
		if rec != nil {
			poll(ctx, src, opts.Refresh)
		} else {
			<-ctx.Done()
		}
	}
	if rec != nil && err == nil {
		err = rec.Err()
	}
	return err
}

func (o Options) withDefaults() Options {
	if o.Refresh == 0 {
		o.Refresh = DefaultRefresh
	}
	o.Refresh = max(MinRefresh, min(o.Refresh, MaxRefresh))
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if os.Getenv("NO_COLOR") != "" {
		o.NoColor = true
	}
	return o
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}

func runTUI(ctx context.Context, src Source, opts Options) error {
	m := newModel(ctx, src, opts.Refresh, !opts.NoColor)
	if opts.Attached {
		m = m.attach()
	}
	m.exitOnDone = opts.ExitOnDone
	return runProgram(ctx, m, opts)
}

// runProgram runs the monitor m as a bubbletea program until the user
// quits or ctx is done.
func runProgram(ctx context.Context, m model, opts Options) error {
	// No tea.WithContext: bubbletea treats a program whose context ends as
	// killed and then closes its input reader without waiting for the reader
	// goroutine, a data race (bubbletea #1599). When ctx ends we quit it the
	// normal way instead, which joins the reader first.
	popts := []tea.ProgramOption{tea.WithOutput(opts.Out)}
	if opts.In != nil { // else bubbletea reads keys from stdin, or from /dev/tty when stdin is not one
		popts = append(popts, tea.WithInput(opts.In))
	}
	if opts.NoColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	p := tea.NewProgram(m, popts...)
	stop := make(chan struct{})
	var watcher sync.WaitGroup
	watcher.Add(1)
	go func() {
		defer watcher.Done()
		select {
		case <-opts.Done:
			p.Send(endedMsg{}) // returns once the program takes it, or has ended
		case <-ctx.Done():
			p.Quit()
			return
		case <-stop:
			return
		}
		select {
		case <-ctx.Done():
			p.Quit()
		case <-stop:
		}
	}()
	final, err := p.Run()
	close(stop)
	watcher.Wait()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil || errors.Is(err, tea.ErrInterrupted) {
		return nil
	}
	if err != nil {
		return err
	}
	if fm, ok := final.(model); ok && fm.drainErr != nil && !errors.Is(fm.drainErr, context.Canceled) {
		return fmt.Errorf("tui: drain: %w", fm.drainErr)
	}
	return nil
}
