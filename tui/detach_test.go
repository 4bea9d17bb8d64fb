package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/serviceflow/serviceflow/snapshot"
)

// Quitting a monitor attached to a flow it does not own detaches: Drain says
// ErrNotOwner, and that is not an error Run reports.
func TestQuitDetachesFromAFlowItDoesNotOwn(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 80, 24)
	m, _ = pressCmd(t, m, "q")
	nm, cmd := m.Update(drainedMsg{fmt.Errorf("monitor: http://x: %w", snapshot.ErrNotOwner)})
	if err := nm.(model).drainErr; err != nil {
		t.Errorf("detaching reported %v", err)
	}
	if cmd == nil {
		t.Fatal("the model did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("the model did not quit")
	}
}

// A pause the source refused says so and leaves the intake state as it was.
func TestPauseRefusedIsShown(t *testing.T) {
	t.Parallel()
	m := fixtureModel(fixture(), 120, 40)
	nm, _ := m.Update(intakeMsg{paused: true, err: errors.New("monitor: cannot reach http://x")})
	got := nm.(model)
	if got.intakePaused || !strings.Contains(got.status, "cannot reach") {
		t.Errorf("paused=%v status %q: want not paused and the reason shown", got.intakePaused, got.status)
	}
}
