// Package cmd is the command line of idemcheck: thin cobra commands that
// turn flags into options and call the engine (check), the reports
// (report) and the demo (examples/demo). Exit codes are decided in exit.go.
package cmd

import (
	"io"

	"github.com/spf13/cobra"
)

// NewRootCmd builds the idemcheck command tree writing to the given streams.
func NewRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "idemcheck",
		Short: "Test whether an HTTP API is really idempotent",
		Long: `idemcheck reads an OpenAPI document, sends every mutating operation duplicate,
concurrent and mismatched requests that carry the same idempotency key, and
diffs the responses and the side effects left on the server.

Exit codes: 0 nothing failed at or above --fail-on, 1 findings at or above
--fail-on, 2 bad usage or input, or the target could not be tested.

Documentation: https://github.com/idemcheck/idemcheck/tree/main/docs
  docs/probes.md            every probe: what it sends, when it fails
  docs/configuration.md     idemcheck.yaml: requests, keys and observers
  docs/ci.md                GitHub Actions, shards, baselines and reports
  docs/race-modes.md        how concurrent releases its copies, measured
  docs/secrets.md           what is redacted from reports
  docs/real-world-specs.md  checking large real-world documents`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	// Flag parse errors are usage errors: exit 2 with a hint.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		NewCmdCheck(stdout, stderr, nil),
		NewCmdPlan(stdout, stderr, nil),
		NewCmdDemo(stdout, nil),
		NewCmdVersion(stdout),
		NewCmdBaseline(stdout, stderr, nil),
		NewCmdMerge(stdout, stderr, nil),
	)
	return root
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}
