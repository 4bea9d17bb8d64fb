package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/serviceflow/serviceflow/registry"
)

// Main runs flowrun with the services of reg on the process's arguments and
// standard streams, and exits with Execute's code. The first SIGINT or
// SIGTERM cancels the run, which drains: inputs in flight finish and the
// summary is printed. A second one stops waiting: the inputs still in
// flight are reported Failed (within a second, even if a service ignores
// its context) and the summary is printed; the exit status is 130. A third
// exits at once, without a summary.
func Main(reg *registry.Registry) {
	ctx, cancel := context.WithCancel(context.Background())
	hurry := make(chan struct{})
	sigs := make(chan os.Signal, 3)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	// This goroutine lives as long as the process: it is the one that ends
	// the process on a third signal.
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "flowrun: interrupted; draining (send the signal again to stop waiting for the inputs in flight)")
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, "flowrun: interrupted again; reporting the inputs in flight as failed (a third signal exits without a summary)")
		close(hurry)
		<-sigs
		fmt.Fprintln(os.Stderr, "flowrun: interrupted a third time; exiting without a summary")
		os.Exit(ExitInterrupted)
	}()
	code := execute(ctx, hurry, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, reg)
	cancel()
	os.Exit(code)
}

// Execute runs flowrun with args (without the program name) on the given
// streams and returns the exit code (see the package doc). Cancelling ctx
// is the first interrupt: a run drains and reports, and returns
// ExitInterrupted. Execute never calls os.Exit and is safe to call from
// tests, several at once.
func Execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, reg *registry.Registry) int {
	return execute(ctx, nil, args, stdin, stdout, stderr, reg)
}

// execute is Execute with a second interrupt: closing hurry makes a run
// stop waiting for its inputs in flight (see job.finish). nil: never.
func execute(ctx context.Context, hurry <-chan struct{}, args []string, stdin io.Reader, stdout, stderr io.Writer, reg *registry.Registry) int {
	if reg == nil {
		reg = registry.Builtin()
	}
	stdout, stderr = serialized(stdout), serialized(stderr)
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, reg: reg, hurry: hurry}
	root := e.root()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if perr := e.prof.stop(); perr != nil && err == nil {
		err = &exitError{code: ExitFlowFailed, err: perr}
	}
	code := codeOf(err)
	if err != nil {
		var ee *exitError
		switch {
		case !errors.As(err, &ee): // cobra's own: unknown command or flag, wrong arguments
			fmt.Fprintf(stderr, "flowrun: %v\nRun 'flowrun --help' for usage.\n", err)
		case ee.err != nil:
			fmt.Fprintf(stderr, "flowrun: %v\n", ee.err)
			if ee.usage {
				fmt.Fprintln(stderr, "Run 'flowrun --help' for usage.")
			}
		}
	}
	return code
}

// env is what every command reads and writes: the streams and the registry.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	reg            *registry.Registry
	hurry          <-chan struct{} // closed by a second interrupt; nil: never
	brokerLog      *slog.Logger    // the broker connectors' warnings (set by run for its monitor); nil: slog.Default()
	prof           profiles        // --cpuprofile, --memprofile
}

func (e *env) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "flowrun",
		Short: "Run flows of services over streams of JSON lines, watched live",
		Long: `flowrun runs flows of small services over streams of inputs, every service an
actor under supervision, watched live in a terminal UI.

Start with the demo, an order pipeline over a generated stream:

  flowrun demo

Then write a flow file and run it over JSON lines:

  flowrun validate orders.yaml
  flowrun test orders.yaml        # its test cases, in orders_test.yaml
  flowrun run orders.yaml --in orders.jsonl --out results.jsonl --dead-letters dead.jsonl

Exit codes: 0 the run completed (inputs that failed are in the results and
the dead letters), 1 the flow failed (a supervisor gave up), 2 usage or
flow-file errors (nothing was read), 130 interrupted (a broker or HTTP
input runs until a signal: its clean drain exits 0).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return e.prof.start()
		},
	}
	e.prof.addFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%s: %w", c.CommandPath(), err), usage: true}
	})
	root.AddCommand(e.demoCmd(), e.runCmd(), e.attachCmd(), e.validateCmd(), e.graphCmd(), e.servicesCmd(), e.benchCmd(), e.testCmd(), e.replayCmd(), e.tapCmd())
	return root
}
