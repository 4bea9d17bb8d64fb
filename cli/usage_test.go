package cli_test

import (
	"net"
	"strings"
	"testing"
)

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no command is help", nil, ""},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"demo", "--colour"}, "unknown flag: --colour"},
		{"bad flag value", []string{"demo", "--count", "many"}, `invalid argument "many"`},
		{"bad ui", []string{"demo", "--ui", "fancy"}, `unknown mode "fancy"`},
		{"tui without a terminal", []string{"demo", "--ui", "tui"}, "not a terminal"},
		{"negative count", []string{"demo", "--count", "-1"}, "must not be negative"},
		{"run without a file", []string{"run"}, "accepts 1 arg(s), received 0"},
		{"run two files", []string{"run", "a.yaml", "b.yaml"}, "accepts 1 arg(s), received 2"},
		{"missing flow file", []string{"run", "testdata/nope.yaml", "--ui", "off"}, "nope.yaml"},
		{"missing input file", []string{"run", "testdata/fork.yaml", "--in", "testdata/nope.jsonl", "--ui", "off"}, "--in: open testdata/nope.jsonl"},
		{"graph format", []string{"graph", "testdata/fork.yaml", "--format", "png"}, `--format "png"`},
		{"huge --max-in-flight", []string{"run", "testdata/fork.yaml", "--max-in-flight", "8589934592", "--ui", "off"}, "--max-in-flight must be at most 100000"},
		{"services takes no args", []string{"services", "x"}, `unknown command "x"`},
		{"run monitor not loopback", []string{"run", "testdata/pass.yaml", "--ui", "off", "--monitor", ":7071"}, "--monitor :7071"},
		{"demo monitor not loopback", []string{"demo", "--ui", "off", "--monitor", ":7071"}, "--monitor :7071"},
		{"run metrics bad address", []string{"run", "testdata/pass.yaml", "--ui", "off", "--metrics", "nowhere:port"}, "--metrics nowhere:port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := execute(t, "", tc.args...)
			want := 2
			if tc.args == nil {
				want = 0
			}
			if r.code != want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, want, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, r.stderr)
			}
			if r.code == 2 && !strings.HasPrefix(r.stderr, "flowrun: ") && !strings.Contains(r.stderr, "testdata/") {
				t.Errorf("stderr does not start with flowrun: \n%s", r.stderr)
			}
		})
	}
}

func TestBadFlowFileExits2BeforeReading(t *testing.T) {
	t.Parallel()
	r := execute(t, `{"a":1}`+"\n", "run", "testdata/validate/wiring.yaml", "--ui", "off")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("wrote results for a bad flow file:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "testdata/validate/wiring.yaml:") || strings.Contains(r.stderr, "summary:") {
		t.Errorf("want file:line:col problems and no summary, got:\n%s", r.stderr)
	}
}

func TestServices(t *testing.T) {
	t.Parallel()
	r := execute(t, "", "services")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, name := range []string{"set", "expr", "filter", "rename", "delete", "sleep", "log", "http", "chaos", "catch", "timer"} {
		if !strings.Contains(r.stdout, "\n"+name+" — ") && !strings.HasPrefix(r.stdout, name+" — ") {
			t.Errorf("services does not list %s:\n%s", name, r.stdout)
		}
	}
}

func TestRefreshOutOfRange(t *testing.T) {
	for _, args := range [][]string{{"demo", "--refresh", "5ms"}, {"run", "x.yaml", "--refresh", "1m"}} {
		r := execute(t, "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "--refresh") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

func TestMetricsAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := execute(t, "", "demo", "--ui", "off", "--count", "10", "--metrics", ln.Addr().String())
	if r.code != 2 || !strings.Contains(r.stderr, "--metrics") || !strings.Contains(r.stderr, "in use") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}
