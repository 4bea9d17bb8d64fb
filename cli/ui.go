package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/pflag"

	"github.com/serviceflow/serviceflow/tui"
)

// uiMode parses --ui and resolves auto: the terminal UI when out is a
// terminal (and TERM is not dumb), plain progress otherwise.
func uiMode(flag string, out io.Writer) (tui.Mode, error) {
	m, err := tui.ParseMode(flag)
	if err != nil {
		return 0, usageError("--ui: %w", err)
	}
	if m == tui.Auto {
		m = tui.Plain
		if isTerminal(out) && os.Getenv("TERM") != "dumb" {
			m = tui.TUI
		}
	}
	if m == tui.TUI && !isTerminal(out) {
		return 0, usageError("--ui tui: the output is not a terminal; use --ui plain or json")
	}
	return m, nil
}

func isTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}

// runtimeLogger is the logger for the actor runtime's restarts and
// escalations: nowhere under the terminal UI (which shows them as events)
// or the plain and JSON monitors (which print them), warnings and worse on
// w otherwise.
func runtimeLogger(mode tui.Mode, w io.Writer) *slog.Logger {
	if mode != tui.Off {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: dropTime}))
}

// dropTime removes slog's time attribute: flowrun's messages are about
// lines and inputs, and tests compare them.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// addRefresh adds --refresh, how often the monitor takes a snapshot.
func addRefresh(f *pflag.FlagSet, d *time.Duration) {
	f.DurationVar(d, "refresh", tui.DefaultRefresh, fmt.Sprintf("how often the monitor refreshes, %v to %v", tui.MinRefresh, tui.MaxRefresh))
}

// checkRefresh rejects a --refresh outside the monitor's range.
func checkRefresh(d time.Duration) error {
	if d < tui.MinRefresh || d > tui.MaxRefresh {
		return usageError("--refresh %v: must be between %v and %v", d, tui.MinRefresh, tui.MaxRefresh)
	}
	return nil
}

// addExitOnDone adds --exit-on-done: the terminal UI quits when the run is
// over instead of holding its summary until q.
func addExitOnDone(f *pflag.FlagSet, b *bool) {
	f.BoolVar(b, "exit-on-done", false, "when the run is over, quit the terminal UI at once instead of showing its summary until q")
}

// addMetrics adds --metrics, the address to serve Prometheus metrics on.
func addMetrics(f *pflag.FlagSet, addr *string) {
	f.StringVar(addr, "metrics", "", "serve Prometheus metrics at http://ADDR/metrics while running, e.g. 127.0.0.1:9090")
}
