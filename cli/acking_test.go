package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/serviceflow/serviceflow/stream/file"
)

// TestAckingOnlyWithACheckpoint: a file read without a checkpoint ignores
// acknowledgements, so the run does not track its results until durable;
// with one, and for any source that does not say, it does.
func TestAckingOnlyWithACheckpoint(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plain, err := file.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close(t.Context())
	ckpt, err := file.Open(in, file.Checkpoint(filepath.Join(t.TempDir(), "ckpt")))
	if err != nil {
		t.Fatal(err)
	}
	defer ckpt.Close(t.Context())
	if acking(plain) {
		t.Error("a file without a checkpoint is acked")
	}
	if !acking(ckpt) {
		t.Error("a checkpointed file is not acked")
	}
	if !acking(nopSource{}) {
		t.Error("a source that does not say is not acked")
	}
}
