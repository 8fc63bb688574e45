package cmd

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/report"
)

// BaselineOptions are the inputs of `idemcheck baseline`.
type BaselineOptions struct {
	Stdout, Stderr io.Writer

	From string // the JSON report of a check (--from)
	Out  string // the baseline file to write (-o; "-" is stdout)
}

// NewCmdBaseline builds `idemcheck baseline`. runF replaces baselineRun in tests.
func NewCmdBaseline(stdout, stderr io.Writer, runF func(context.Context, *BaselineOptions) error) *cobra.Command {
	opts := &BaselineOptions{Stdout: stdout, Stderr: stderr}
	c := &cobra.Command{
		Use:   "baseline --from report.json [-o idemcheck-baseline.json]",
		Short: "Accept the findings of a run, so that check --baseline stops failing on them",
		Long: `baseline writes every failure of a check's JSON report to a baseline file.
A check run with --baseline FILE still shows those findings, as accepted, in
every report, but does not fail the gate on them; findings of the baseline
that no longer occur are listed as fixed, so the baseline can shrink.

A finding is its probe on its operation (method and path template): ids,
keys, ports, timings and counts do not change it.`,
		Example: `  idemcheck check --spec openapi.yaml --base-url http://127.0.0.1:8080 --json report.json
  idemcheck baseline --from report.json -o idemcheck-baseline.json`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return baselineRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.From, "from", "", "JSON report of a check (--json) whose failures to accept (required)")
	f.StringVarP(&opts.Out, "output", "o", "idemcheck-baseline.json", "baseline file to write ('-' for stdout)")
	return c
}

// baselineRun reads the report and writes its failures as a baseline.
func baselineRun(_ context.Context, opts *BaselineOptions) error {
	if opts.From == "" {
		return usagef("--from is required: the JSON report of a check (check --json FILE)")
	}
	if opts.Out == "" {
		return usagef("-o must name a file, or - for stdout")
	}
	n, err := report.WriteBaselineFile(opts.From, opts.Out, opts.Stdout)
	if err != nil {
		return err
	}
	if opts.Out != "-" {
		fmt.Fprintf(opts.Stderr, "idemcheck: %d accepted finding(s) written to %s\n", n, opts.Out)
	}
	return nil
}
