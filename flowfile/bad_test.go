package flowfile_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flowfile"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestBadFiles")

// TestBadFiles loads each testdata/bad/*.yaml and compares the messages of
// Load (or, when it loads, of Validate) with the .golden file beside it.
func TestBadFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			got := messages(path)
			golden := strings.TrimSuffix(path, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("messages differ from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
			if strings.TrimSpace(got) == "" {
				t.Error("a bad file gave no error")
			}
		})
	}
}

func messages(path string) string {
	f, err := flowfile.LoadFile(path, nil)
	if err == nil {
		err = f.Validate()
	}
	var b strings.Builder
	for _, e := range flowfile.Errors(err) {
		b.WriteString(e.Error())
		b.WriteString("\n")
	}
	return b.String()
}
