package tui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestSession runs the monitor as a real bubbletea program on a fake
// terminal: start, switch views, pause the display, quit (which drains).
func TestSession(t *testing.T) {
	src := &fakeSource{snap: fixture()}
	m := newModel(context.Background(), src, MinRefresh, false)
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	waitFor := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	waitFor("price-music")
	tm.Send(keyPress("2"))
	waitFor("THROUGHPUT")
	tm.Send(keyPress("3"))
	waitFor("×17")
	tm.Send(keyPress("p"))
	waitFor("intake paused")
	tm.Send(keyPress("space"))
	waitFor("display paused")
	tm.Send(keyPress("4"))
	waitFor("#4711")
	tm.Send(keyPress("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	final := tm.FinalModel(t).(model)
	if !final.draining || !final.frozen || final.view != viewDead {
		t.Errorf("final model: draining=%v frozen=%v view=%v", final.draining, final.frozen, final.view)
	}
	if paused, _, drained, _ := src.counts(); drained != 1 || paused != 1 {
		t.Errorf("Drain called %d times, Pause %d times; want 1 and 1", drained, paused)
	}
}
