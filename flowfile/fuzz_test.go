package flowfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/registry"
)

// FuzzLoad checks that Load never panics and that every error it returns
// carries a position in the file.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"good", "bad"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err == nil {
				f.Add(data)
			}
		}
	}
	reg := registry.Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := flowfile.Load("fuzz.yaml", data, reg)
		if err == nil {
			if file == nil || file.Flow == nil {
				t.Fatal("no error and no flow")
			}
			err = file.Validate() // must not panic either
			if err == nil {
				return
			}
		}
		for _, e := range flowfile.Errors(err) {
			var fe *flowfile.Error
			if !errors.As(e, &fe) {
				t.Fatalf("error without a position: %T %v", e, e)
			}
			if fe.Line < 1 || fe.Col < 1 || fe.File != "fuzz.yaml" {
				t.Fatalf("bad position in %v", fe)
			}
		}
	})
}
