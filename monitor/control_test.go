package monitor

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// refusing is a source whose controls fail, as a draining runtime's may.
type refusing struct{ fake }

func (*refusing) Pause(context.Context) error  { return errors.New("flow is draining") }
func (*refusing) Resume(context.Context) error { return errors.New("flow is draining") }

// The client's controls report what happened: the source's refusal, or the
// caller's ctx ending, instead of dropping the outcome.
func TestControlsReportTheirOutcome(t *testing.T) {
	srv, err := Listen("127.0.0.1:0", &refusing{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())
	c := Dial(srv.Addr())
	if err := c.Pause(context.Background()); err == nil || !strings.Contains(err.Error(), "draining") {
		t.Errorf("Pause = %v, want the source's refusal", err)
	}
	if err := c.Resume(context.Background()); err == nil || !strings.Contains(err.Error(), "draining") {
		t.Errorf("Resume = %v, want the source's refusal", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Pause(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Pause with a cancelled ctx = %v, want context.Canceled", err)
	}
	if _, err := c.Replay(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Replay with a cancelled ctx = %v, want context.Canceled", err)
	}
}
