package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/serviceflow/serviceflow/snapshot"
)

func TestDetailShowsBatching(t *testing.T) {
	snap := fixture()
	name := snap.Stages[0].Name
	snap.Stages[0].Batch = &snapshot.Batching{MaxSize: 500, MaxWait: 20 * time.Millisecond, Batches: 4, Inputs: 1001, P99Size: 500, Full: 2, Wait: 1, Idle: 1}
	m := fixtureModel(snap, 160, 40)
	text := strings.Join(detailPane{stage: name}.lines(m.frame()), "\n")
	want := "batches 4  size mean 250.2 p99 500 (max 500, wait 20ms)  sent full 2  wait 1  idle 1"
	if !strings.Contains(text, want) {
		t.Errorf("detail of %s lacks %q:\n%s", name, want, text)
	}
	plain := strings.Join(detailPane{stage: snap.Stages[1].Name}.lines(m.frame()), "\n")
	if strings.Contains(plain, "batches") {
		t.Errorf("an unbatched stage's detail shows batching:\n%s", plain)
	}
}
