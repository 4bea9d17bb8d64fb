package flowfile_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceflow/serviceflow/flowfile"
)

const streamStep = "steps: [{service: log}]\n"

func TestStreams(t *testing.T) {
	abs, _ := filepath.Abs("in.jsonl")
	for _, tc := range []struct {
		name, file string
		want       flowfile.Streams
	}{
		{"none", "", flowfile.Streams{}},
		{"paths resolve against the file's directory",
			"in: orders.jsonl\nout: out/results.jsonl\ndead_letters: ../dead.jsonl\ncheckpoint: orders.ckpt\nout_format: values\n",
			flowfile.Streams{In: "flows/orders.jsonl", Out: "flows/out/results.jsonl", DeadLetters: "dead.jsonl",
				Checkpoint: "flows/orders.ckpt", OutFormat: "values"}},
		{"absolute paths and - are kept", "in: " + abs + "\nout: '-'\nout_format: result\n",
			flowfile.Streams{In: abs, Out: "-", OutFormat: "result"}},
		{"URLs are kept", "in: kafka://127.0.0.1:9092/orders?group=g\nout: nats://127.0.0.1:4222/RESULTS?subject=results\ndead_letters: kafka://h:1,h:2/dead\n",
			flowfile.Streams{In: "kafka://127.0.0.1:9092/orders?group=g", Out: "nats://127.0.0.1:4222/RESULTS?subject=results", DeadLetters: "kafka://h:1,h:2/dead"}},
		{"an ingress", "in: http://127.0.0.1:8080/orders?wait=2s\n", flowfile.Streams{In: "http://127.0.0.1:8080/orders?wait=2s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := flowfile.Load(filepath.Join("flows", "s.yaml"), []byte(tc.file+streamStep), nil)
			if err != nil {
				t.Fatal(err)
			}
			if f.Streams != tc.want {
				t.Errorf("Streams %+v, want %+v", f.Streams, tc.want)
			}
		})
	}
}

func TestBadStreams(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"in: 5\n", `s.yaml:1:5: in must be "-", a path or a URL, not`},
		{"in: ''\n", "s.yaml:1:5: in: empty"},
		{"out: [a]\n", "s.yaml:1:6: out must be"},
		{"in: kafka://u:s3cret@h:1/t?group=g\n", "s.yaml:1:5: in: a URL with credentials (user:password@): they come from the environment"},
		{"in: ftp://h/x\n", `s.yaml:1:5: in: URL scheme "ftp": want kafka://, nats://, http://, https://`},
		{"out: http://127.0.0.1:1/x\n", `s.yaml:1:6: out: URL scheme "http": want kafka://, nats://`},
		{"dead_letters: https://h:1/x\n", `s.yaml:1:15: dead_letters: URL scheme "https"`},
		{"in: 'kafka://h:1/%zz'\n", `s.yaml:1:5: in: not a URL: invalid URL escape "%zz"`},
		{"in: \"a\\tb.jsonl\"\n", "s.yaml:1:5: in: holds a control character"},
		{"in: " + strings.Repeat("a", flowfile.MaxAddressSize+1) + "\n", "s.yaml:1:5: in: 4097 bytes long, more than 4096"},
		{"checkpoint: c.ckpt\n", "s.yaml:1:13: checkpoint: needs in:"},
		{"in: kafka://h:1/t?group=g\ncheckpoint: c.ckpt\n", "s.yaml:2:13: checkpoint: is for a file input"},
		{"in: a.jsonl\ncheckpoint: kafka://h:1/t\n", "s.yaml:2:13: checkpoint: want the path of a file, not a URL"},
		{"in: a.jsonl\ncheckpoint: '-'\n", "s.yaml:2:13: checkpoint: want the path of a file, not -"},
		{"in: a.jsonl\nout: ./a.jsonl\n", "s.yaml:2:6: out: the same file as in:"},
		{"out_format: value\n", `s.yaml:1:13: out_format: "value": want result (the result envelope) or values (its values object alone) (did you mean "values"?)`},
		{"out_format: 1\n", "s.yaml:1:13: out_format must be result or values"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := flowfile.Load("s.yaml", []byte(tc.file+streamStep), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v\nwant an error with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the password: %v", err)
			}
			for _, e := range flowfile.Errors(err) {
				if fe := (*flowfile.Error)(nil); !errors.As(e, &fe) {
					t.Errorf("error without a position: %v", e)
				}
			}
		})
	}
}

// CheckStreams's checker sees each URL (never a path or -) with its field,
// and its error is reported at the URL.
func TestCheckStreams(t *testing.T) {
	var seen []string
	check := flowfile.CheckStreams(func(field, url string) error {
		seen = append(seen, field+"="+url)
		if strings.Contains(url, "bad") {
			return errors.New("a source needs ?group=NAME")
		}
		return nil
	})
	_, err := flowfile.Load("s.yaml", []byte("in: kafka://h:1/bad\nout: r.jsonl\ndead_letters: nats://h:1/S?subject=d\n"+streamStep), nil, check)
	if err == nil || !strings.Contains(err.Error(), "s.yaml:1:5: in: a source needs ?group=NAME") {
		t.Errorf("Load: %v, want the checker's error at in:", err)
	}
	if want := "in=kafka://h:1/bad dead_letters=nats://h:1/S?subject=d"; strings.Join(seen, " ") != want {
		t.Errorf("checked %q, want %q", seen, want)
	}
}
