package cli_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/flow"
	"github.com/serviceflow/serviceflow/registry"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// asMain makes the test binary behave as flowrun when FLOWRUN_AS_MAIN is
// set: the subprocess tests re-execute it to send it real signals.
const asMain = "FLOWRUN_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		cli.Main(withStubborn(registry.Builtin()))
		return
	}
	goleak.VerifyTestMain(m)
}

// withStubborn adds the service stubborn to reg: its calls never return
// and ignore their context, as a broken service's would.
func withStubborn(reg *registry.Registry) *registry.Registry {
	reg.Register("stubborn", registry.Spec{
		Doc: "Never returns, whatever its context says (a test service).",
		Build: func(registry.Params) (flow.Service, error) {
			return flow.Func("stubborn", func(context.Context, *flow.Context) error {
				select {} // the process ends it
			}), nil
		},
	})
	return reg
}

// result is what one Execute returned.
type result struct {
	code           int
	stdout, stderr string
}

// execute runs flowrun in-process with args and stdin.
func execute(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return executeCtx(t, context.Background(), stdin, args...)
}

func executeCtx(t *testing.T, ctx context.Context, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Execute(ctx, args, strings.NewReader(stdin), &out, &errb, registry.Builtin())
	return result{code, out.String(), errb.String()}
}

// summary is the parsed summary line of a run.
type summary struct {
	state                                               string
	read, malformed, done, stopped, failed, blank, line int
}

var summaryRE = regexp.MustCompile(`(?m)^summary: (\S+) (.*)$`)

// parseSummary finds the summary line in s.
func parseSummary(t *testing.T, s string) summary {
	t.Helper()
	m := summaryRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no summary line in:\n%s", tail(s))
	}
	sum := summary{state: m[1]}
	for _, kv := range strings.Fields(m[2]) {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.Atoi(v)
		if err != nil {
			continue
		}
		switch k {
		case "read":
			sum.read = n
		case "malformed":
			sum.malformed = n
		case "done":
			sum.done = n
		case "stopped":
			sum.stopped = n
		case "failed":
			sum.failed = n
		case "blank":
			sum.blank = n
		}
	}
	return sum
}

// accounts checks the summary's invariant: every line read has one outcome.
func (s summary) accounts(t *testing.T) {
	t.Helper()
	if s.read != s.malformed+s.done+s.stopped+s.failed {
		t.Errorf("summary does not account for every line: read %d != malformed %d + done %d + stopped %d + failed %d",
			s.read, s.malformed, s.done, s.stopped, s.failed)
	}
}

// tail is the end of a long output, for failure messages.
func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}
