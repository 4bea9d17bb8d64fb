package tui

import (
	"bytes"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/snapshot"
)

// A lost broker shows in the header (DEGRADED, which connection, why) and
// in the plain progress line; nothing of it once the broker is back.
func TestDegradedShowsTheLostBroker(t *testing.T) {
	t.Parallel()
	snap := fixture()
	snap.State = snapshot.Degraded
	snap.Connections = []snapshot.Connection{{Name: "in", Err: "broker lost: eof", Lost: 1}, {Name: "out", Up: true}}
	snap.Degraded = snapshot.Degradation(snap.Connections)
	m := fixtureModel(snap, 160, 40)
	h := strings.Join(m.header(160), "\n")
	for _, want := range []string{"DEGRADED", "BROKER LOST in (retrying)", "in: broker lost: eof"} {
		if !strings.Contains(h, want) {
			t.Errorf("header lacks %q:\n%s", want, h)
		}
	}
	var out bytes.Buffer
	if err := newPlainLog(&out, plainEvery).step(snap, t0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `state=DEGRADED`) || !strings.Contains(out.String(), `degraded="in: broker lost: eof"`) {
		t.Errorf("plain progress:\n%s", out.String())
	}

	snap.State, snap.Degraded = snapshot.Running, ""
	snap.Connections[0] = snapshot.Connection{Name: "in", Up: true, Lost: 1}
	m = fixtureModel(snap, 160, 40)
	if h := strings.Join(m.header(160), "\n"); strings.Contains(h, "LOST") || strings.Contains(h, "DEGRADED") {
		t.Errorf("header once the broker is back:\n%s", h)
	}
	out.Reset()
	if err := newPlainLog(&out, plainEvery).step(snap, t0); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "degraded") {
		t.Errorf("plain progress once the broker is back:\n%s", out.String())
	}
}
