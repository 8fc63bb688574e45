package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/report"
)

// DemoOptions are the inputs of `idemcheck demo`.
type DemoOptions struct {
	Stdout, Stderr io.Writer

	Out     string
	NoColor bool
	Quiet   bool
	Verbose bool
}

// NewCmdDemo builds `idemcheck demo`. runF replaces demoRun in tests.
func NewCmdDemo(stdout, stderr io.Writer, runF func(context.Context, *DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{Stdout: stdout, Stderr: stderr}
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
			return demoRun(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Out, "out", "idemcheck-demo", "directory for the reports")
	c.Flags().BoolVar(&opts.NoColor, "no-color", false, "disable colour")
	c.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print only the summary line of each example")
	c.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "print every verdict, passes and skips included, not only the findings")
	return c
}

func demoRun(ctx context.Context, opts *DemoOptions) error {
	out := opts.Stdout
	if opts.Quiet {
		out = io.Discard
	}
	write := report.WriteTerminalFindings
	if opts.Verbose {
		write = report.WriteTerminal
	}
	if err := makeOut(opts.Out); err != nil { // before any example is checked
		return err
	}
	checkOpts := check.DemoOptions()
	checkOpts.Tool = "idemcheck " + versionString()
	variants := examples.Variants()
	var unexpected []string
	for _, v := range variants {
		d, err := check.Demo(ctx, v, checkOpts)
		if err != nil {
			return fmt.Errorf("demo %s: %w", v.Name, err)
		}
		fmt.Fprintf(out, "==> %s — %s\n    serving on %s\n", v.Name, v.Description, d.URL)
		if err := write(out, d.Run, report.ColorWanted(opts.Stdout, opts.NoColor)); err != nil {
			return err
		}
		err = report.InDir(opts.Out, v.Name).Write(d.Run, opts.Stdout)
		d.Run.Close() // its spool of evidence
		if err != nil {
			return err
		}
		status := "as expected"
		if !d.AsExpected() {
			status = fmt.Sprintf("UNEXPECTED: expected failing probes [%s]", strings.Join(d.Expected, ", "))
			unexpected = append(unexpected, v.Name)
		}
		fmt.Fprintf(opts.Stdout, "==> %s: failing probes [%s], %d skipped as not applicable — %s\n\n",
			v.Name, strings.Join(d.Failed, ", "), d.Run.Counts().Skip, status)
	}
	fmt.Fprintf(opts.Stdout, "reports written to %s/\n", opts.Out)
	fmt.Fprintf(opts.Stdout, "%d/%d example APIs as expected\n", len(variants)-len(unexpected), len(variants))
	if len(unexpected) > 0 {
		return fmt.Errorf("demo: %s did not behave as expected", strings.Join(unexpected, ", "))
	}
	return nil
}

// makeOut makes sure the demo's reports can be written to dir: an existing
// writable folder, or one it creates in an existing writable folder.
func makeOut(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		if err := report.CheckDir(dir); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		return nil
	}
	if err := report.CheckDir(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}
