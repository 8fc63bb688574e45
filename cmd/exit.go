package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
)

// ExitCode is the process exit status; it is decided here and nowhere else.
type ExitCode int

// The exit codes, as documented in the README.
const (
	ExitOK       ExitCode = 0 // every probe passed, or failed below the gate
	ExitFindings ExitCode = 1 // conformance findings at or above the gate
	ExitError    ExitCode = 2 // bad usage or input, or the target could not be tested
)

// errFindings reports that the run found defects at or above the gate; its
// message has already been printed as the summary.
var errFindings = errors.New("findings at or above the gate")

// usageError marks a mistake in the command line, after which usage helps.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef makes a usageError.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// Main runs the command line and returns the exit code.
func Main() ExitCode {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.SetOutput(io.Discard) // net/http's own lines ("Unsolicited response …") carry server data
	return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// run executes args and maps the outcome to an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) ExitCode {
	root := NewRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errFindings):
		return ExitFindings
	default:
		fmt.Fprintf(stderr, "idemcheck: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "Run 'idemcheck --help' for usage.")
		}
		return ExitError
	}
}
