package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestValidateGolden(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/validate/*.yaml")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			r := execute(t, "", "validate", f)
			want := 2
			if strings.HasSuffix(f, "/ok.yaml") {
				want = 0
			}
			if r.code != want {
				t.Errorf("exit %d, want %d", r.code, want)
			}
			golden(t, strings.TrimSuffix(f, ".yaml")+".golden", r.stdout+r.stderr)
		})
	}
}

func TestGraphGolden(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/graph/*.yaml")
	for _, f := range files {
		for _, format := range []string{"text", "dot", "mermaid"} {
			t.Run(filepath.Base(f)+"/"+format, func(t *testing.T) {
				t.Parallel()
				r := execute(t, "", "graph", f, "--format", format)
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				golden(t, strings.TrimSuffix(f, ".yaml")+"."+format+".golden", r.stdout)
				checkSyntax(t, format, r.stdout)
			})
		}
	}
}

// checkSyntax checks what can be checked without Graphviz or Mermaid:
// balanced braces and quotes, every edge between declared nodes.
func checkSyntax(t *testing.T, format, out string) {
	t.Helper()
	switch format {
	case "dot":
		if strings.Count(out, "{") != strings.Count(out, "}") {
			t.Errorf("unbalanced braces")
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.Count(strings.ReplaceAll(l, `\"`, ""), `"`)%2 != 0 {
				t.Errorf("unbalanced quotes: %s", l)
			}
		}
	case "mermaid":
		if strings.Count(out, "subgraph ") != strings.Count(out, "\n  end\n")+strings.Count(out, "\n    end\n")+strings.Count(out, "\n      end\n") {
			t.Errorf("a subgraph without its end")
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.Count(l, `"`)%2 != 0 {
				t.Errorf("unbalanced quotes: %s", l)
			}
		}
	}
}
