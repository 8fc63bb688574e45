package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/report"
)

// RunOptions are the inputs of Run: `idemcheck demo`'s flags.
type RunOptions struct {
	Stdout  io.Writer
	Out     string // the folder of the reports, created when missing
	NoColor bool
	Quiet   bool   // only each example's summary line
	Verbose bool   // every verdict, passes and skips too
	Tool    string // names the program in the reports ("idemcheck 1.2.3")
}

// Run checks every example API, prints its findings and verdict, writes
// its reports (every format) into opts.Out, and fails unless every example
// failed exactly the probes its flaw must trip.
func Run(ctx context.Context, opts RunOptions) error {
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
	checkOpts := Options()
	checkOpts.Tool = opts.Tool
	variants := examples.Variants()
	var unexpected []string
	for _, v := range variants {
		d, err := Check(ctx, v, checkOpts)
		if err != nil {
			return fmt.Errorf("demo %s: %w", v.Name, err)
		}
		fmt.Fprintf(out, "==> %s — %s\n    serving on %s\n", v.Name, v.Description, d.URL)
		if err := write(out, d.Run, report.ColorWanted(opts.Stdout, opts.NoColor)); err != nil {
			d.Run.Close()
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
