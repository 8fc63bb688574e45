package cmd

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/probes"
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
JUnit, JSON and Markdown reports into --out, and prints the verdicts. The
correct API must pass every probe and each flawed one must fail exactly the
probes its flaw trips; demo exits 0 when they all do.`,
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
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	var mismatches []string
	for _, v := range examples.Variants() {
		got, err := demoVariant(ctx, opts, v)
		if err != nil {
			return fmt.Errorf("demo %s: %w", v.Name, err)
		}
		want := expectedFailures(v)
		status := "as expected"
		if !slices.Equal(got, want) {
			status = fmt.Sprintf("UNEXPECTED: expected failing probes [%s]", strings.Join(want, ", "))
			mismatches = append(mismatches, v.Name)
		}
		fmt.Fprintf(opts.Stdout, "==> %s: failing probes [%s] — %s\n\n", v.Name, strings.Join(got, ", "), status)
	}
	fmt.Fprintf(opts.Stdout, "reports written to %s/\n", opts.Out)
	if len(mismatches) > 0 {
		return fmt.Errorf("demo: %s did not behave as expected", strings.Join(mismatches, ", "))
	}
	return nil
}

// expectedFailures are the probes that must fail on v: those its flaw is
// designed to trip and those it trips as a consequence, among the probes run.
func expectedFailures(v examples.Variant) []string {
	implemented := map[string]bool{}
	for _, p := range probes.All() {
		implemented[p.ID()] = true
	}
	var want []string
	for _, id := range slices.Concat(v.ExpectFail, v.AlsoFail) {
		if implemented[id] && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	slices.Sort(want)
	return want
}

// demoVariant starts one example, checks it, writes its reports and returns
// the sorted ids of the probes that failed on it.
func demoVariant(ctx context.Context, opts *DemoOptions, v examples.Variant) ([]string, error) {
	srv, err := examples.Start(v)
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	fmt.Fprintf(opts.Stdout, "==> %s — %s\n    serving on %s\n", v.Name, v.Description, srv.URL)
	base := filepath.Join(opts.Out, v.Name)
	check := &CheckOptions{
		Stdout: opts.Stdout, Stderr: opts.Stderr,
		BaseURL:     srv.URL,
		Concurrency: probes.DefaultConcurrency,
		Rounds:      probes.DefaultRounds,
		Parallel:    probes.DefaultParallel,
		Timeout:     probes.DefaultTimeout,
		FailOn:      "info",
		// A second principal, so cross-principal runs: the examples scope
		// keys by the Authorization header.
		OtherHeaders: []string{"Authorization: Bearer idemcheck-demo-principal-b"},
		NoColor:      opts.NoColor,
		JUnit:        base + ".junit.xml",
		JSON:         base + ".json",
		Markdown:     base + ".md",
		HTML:         base + ".html",
	}
	if opts.Quiet {
		check.Stdout = io.Discard
	}
	if v.Config != nil { // the example's observers: config.go
		check.Config, check.configData = "examples/"+v.Name+"/idemcheck.yaml", v.Config
	}
	p, err := newPipeline(check)
	if err != nil {
		return nil, err
	}
	doc, err := p.load(ctx, "examples/"+v.Name+"/openapi.yaml", v.Spec)
	if err != nil {
		return nil, err
	}
	run, err := p.check(ctx, doc)
	if err != nil {
		return nil, err
	}
	write := report.WriteTerminalFindings
	if opts.Verbose {
		write = report.WriteTerminal
	}
	if err := write(check.Stdout, run, report.ColorWanted(opts.Stdout, opts.NoColor)); err != nil {
		return nil, err
	}
	if err := p.writeFiles(run); err != nil {
		return nil, err
	}
	failed := map[string]bool{}
	for _, r := range run.Results {
		switch r.Verdict {
		case probes.Fail:
			failed[r.Probe] = true
		case probes.Error:
			return nil, fmt.Errorf("%s %s could not be tested: %s", r.Operation.Name(), r.Probe, r.Reason)
		}
	}
	return slices.Sorted(maps.Keys(failed)), nil
}
