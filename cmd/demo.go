package cmd

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/examples/demo"
)

// DemoOptions are the inputs of `idemcheck demo`.
type DemoOptions = demo.RunOptions

// NewCmdDemo builds `idemcheck demo`. runF replaces demoRun in tests.
func NewCmdDemo(stdout io.Writer, runF func(context.Context, *DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{Stdout: stdout}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Check the bundled example APIs, one correct and several flawed",
		Long: `demo starts the bundled example APIs on loopback, checks each one, writes
every report (JUnit, JSON, Markdown, HTML, SARIF) into --out, and prints the
verdicts. The correct API must pass every probe and each flawed one must fail
exactly the probes its flaw trips; demo exits 0 when they all do.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			opts.Tool = "idemcheck " + versionString()
			return demo.Run(c.Context(), *opts)
		},
	}
	c.Flags().StringVar(&opts.Out, "out", "idemcheck-demo", "directory for the reports")
	c.Flags().BoolVar(&opts.NoColor, "no-color", false, "disable colour")
	c.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print only the summary line of each example")
	c.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "print every verdict, passes and skips included, not only the findings")
	return c
}
