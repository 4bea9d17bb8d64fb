package cli

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/monitor"
	"github.com/serviceflow/serviceflow/snapshot"
)

// flowrun tap against a flow served by the monitor endpoint: the samples of
// a stage as JSON lines, --n of them; an unknown stage is a usage error.
func TestTapOverTheMonitor(t *testing.T) {
	f := flow.New(flow.Func("price", func(_ context.Context, c *flow.Context) error {
		c.Set("total", 42)
		return nil
	}))
	rt, err := actors.Start(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Drain(context.Background())
	srv := httptest.NewServer(monitor.Handler(rt))
	defer srv.Close()
	c := monitor.Dial(srv.URL)

	// inputs flow until the tap has printed its samples
	ctx, cancel := context.WithCancel(context.Background())
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		for ctx.Err() == nil {
			if err := rt.Submit(ctx, map[string]any{"qty": 1}); err != nil {
				return
			}
		}
	}()
	go func() {
		for range rt.Results() {
		}
	}()
	var out strings.Builder
	err = tapLoop(context.Background(), c, "price", 2, 100*time.Millisecond, &out, true)
	cancel()
	<-fed
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), out.String())
	}
	for _, l := range lines {
		var s snapshot.Sample
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if s.Stage != "price" || s.After["total"] != "42" || s.Before["qty"] != "1" || !strings.Contains(l, `"took":"`) {
			t.Errorf("sample %s", l)
		}
	}
	err = tapLoop(context.Background(), c, "nope", 1, 100*time.Millisecond, &out, false)
	if !errors.Is(err, snapshot.ErrNoStage) || codeOf(err) != ExitUsage {
		t.Errorf("tap of an unknown stage: %v", err)
	}
}
