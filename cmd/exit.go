package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/internal/interrupt"
	"github.com/idemcheck/idemcheck/report"
)

// ExitCode is the process exit status; it is decided here and nowhere else.
type ExitCode int

// The exit codes, as documented in the README.
const (
	ExitOK       ExitCode = 0 // every probe passed, or failed below the gate
	ExitFindings ExitCode = 1 // conformance findings at or above the gate
	ExitError    ExitCode = 2 // bad usage or input, or the target could not be tested
)

// runOutcome carries a run's outcome out of a command that did not pass.
type runOutcome struct{ report.Outcome }

func (e *runOutcome) Error() string { return e.Reason }

// outcomeError returns the run's outcome as an error, nil when it passed.
func outcomeError(o report.Outcome) error {
	if o.Status == report.Passed {
		return nil
	}
	return &runOutcome{o}
}

// usageError marks a mistake in the command line (cobra's flag errors).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef makes a usageError.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// Main runs the command line and returns the exit code. A SIGINT or SIGTERM
// stops the run, whose reports are still written (internal/interrupt).
func Main() ExitCode {
	ctx, stop := interrupt.Context(context.Background())
	defer stop()
	log.SetOutput(io.Discard) // net/http's own lines ("Unsolicited response …") carry server data
	return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// run executes args and maps the outcome to an exit code. An error is one
// line on stderr; findings were already printed as the summary.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) ExitCode {
	root := NewRootCmd(stdout, stderr)
	root.SetArgs(args)
	c, err := root.ExecuteContextC(ctx)
	if c == nil {
		c = root
	}
	var outcome *runOutcome
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &outcome) && outcome.Status == report.Findings:
		return ExitFindings
	}
	msg, _, _ := strings.Cut(flagWording(err, c.Flags()), "\n") // cobra appends a usage hint on a line of its own
	var ue usageError
	var ce *check.UsageError
	if errors.As(err, &ue) || errors.As(err, &ce) {
		msg += " (see 'idemcheck --help')"
	}
	fmt.Fprintf(stderr, "idemcheck: %s\n", msg)
	return ExitError
}
