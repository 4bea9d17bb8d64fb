package cli_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/actors"
	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/monitor"
	"github.com/serviceflow/serviceflow/registry"
)

// attach shows a flow served by another process's --monitor endpoint.
func TestAttach(t *testing.T) {
	ctx := context.Background()
	rt, err := actors.Start(ctx, flow.New(flow.Func("remote-stage", func(context.Context, *flow.Context) error { return nil })).Named("remote"))
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := rt.Submit(ctx, map[string]any{}); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		<-rt.Results()
	}
	srv, err := monitor.Listen("127.0.0.1:0", rt)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Close(ctx)
		rt.Drain(ctx)
	}()

	r := attachUntil(t, regexp.MustCompile(`"flow":"remote".*remote-stage`), srv.Addr(), "--ui", "json", "--refresh", "100ms")
	if r.code != 0 || !strings.Contains(r.stdout, `"flow":"remote"`) || !strings.Contains(r.stdout, "remote-stage") {
		t.Fatalf("exit %d\nstdout: %.400s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if s := rt.Snapshot(); s.State != "RUNNING" {
		t.Fatalf("attaching changed the flow's state to %s", s.State)
	}
}

func TestAttachErrors(t *testing.T) {
	if r := execute(t, "", "attach", "127.0.0.1:1", "--ui", "plain"); r.code != 1 || !strings.Contains(r.stderr, "cannot reach") {
		t.Errorf("unreachable: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := execute(t, "", "demo", "--ui", "off", "--count", "5", "--monitor", "0.0.0.0:0"); r.code == 0 || !strings.Contains(r.stderr, "loopback only") {
		t.Errorf("non-loopback --monitor: exit %d, stderr %q", r.code, r.stderr)
	}
}

// attach --token reaches an endpoint that wants one; without it, attach says
// the endpoint refused.
func TestAttachWithToken(t *testing.T) {
	ctx := context.Background()
	rt, err := actors.Start(ctx, flow.New(flow.Func("s", func(context.Context, *flow.Context) error { return nil })).Named("tokened"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := monitor.Listen("127.0.0.1:0", rt, monitor.Token("t0ken"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Close(ctx)
		rt.Drain(ctx)
	}()
	if r := execute(t, "", "attach", srv.Addr(), "--ui", "plain", "--token", "wrong"); r.code != 1 || !strings.Contains(r.stderr, "401") {
		t.Errorf("a wrong token: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := attachUntil(t, regexp.MustCompile(`"flow":"tokened"`), srv.Addr(), "--ui", "json", "--token", "t0ken"); r.code != 0 || !strings.Contains(r.stdout, `"flow":"tokened"`) {
		t.Errorf("the right token: exit %d\nstdout %.300s\nstderr %s", r.code, r.stdout, r.stderr)
	}
}

// attachUntil runs flowrun attach with args and interrupts it once its
// output matches want (a minute without that fails the test): it shows
// what it attached to however long connecting takes.
func attachUntil(t *testing.T, want *regexp.Regexp, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	hang := time.AfterFunc(time.Minute, func() { cancel(errors.New("attach showed nothing awaited in a minute")) })
	defer hang.Stop()
	stdout := &interruptOn{re: want, cancel: cancel}
	var errb bytes.Buffer
	code := cli.Execute(ctx, append([]string{"attach"}, args...), strings.NewReader(""), stdout, &errb, registry.Builtin())
	if err := context.Cause(ctx); !errors.Is(err, errProgress) {
		t.Fatalf("%v; stdout:\n%s\nstderr:\n%s", err, tail(stdout.String()), errb.String())
	}
	return result{code, stdout.String(), errb.String()}
}
