// Command vigie finds, proves and helps stop the online promotion of
// unauthorised advanced therapies. This package only wires the stages
// together: flags, configuration, output.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries the exit code of DESIGN.md: 1 when the job found a
// problem it reports, 2 for bad usage or input.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{2, fmt.Errorf(format, a...)}
}

func inputErr(err error) error { return &exitError{2, err} }

// env is what a command needs from its surroundings; tests build their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time // the clock of the case procedure and its scans
}

// run executes one vigie command line and returns the exit code. Errors are
// printed as one line on stderr; nothing panics on bad input.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	return runEnv(ctx, &env{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}, args)
}

// runEnv is run in the surroundings e.
func runEnv(ctx context.Context, e *env, args []string) (code int) {
	stdin, stdout, stderr := e.stdin, e.stdout, e.stderr
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "vigie: internal error: %v\n", r)
			code = 1
		}
	}()
	started := false // a command's RunE was reached: earlier errors are usage errors
	root := &cobra.Command{
		Use:              "vigie",
		PersistentPreRun: func(*cobra.Command, []string) { started = true },
		Short:            "Find, prove and stop the online promotion of unauthorised advanced therapies",
		SilenceUsage:     true,
		SilenceErrors:    true,
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })
	root.AddCommand(analyzeCmd(e), classifyCmd(e), evalCmd(e), trainCmd(e), scanCmd(e), demoCmd(e), verifyCmd(e), exportCmd(e), ingestCmd(e), registryCmd(e), caseCmd(e))
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "vigie: %s\n", oneLine(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if !started {
		return 2 // unknown command, wrong number of arguments
	}
	return 1
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// format validates a --format value against the allowed ones.
func checkFormat(f string, allowed ...string) error {
	for _, a := range allowed {
		if f == a {
			return nil
		}
	}
	return usageErr("--format %q: want %s", f, strings.Join(allowed, " or "))
}
