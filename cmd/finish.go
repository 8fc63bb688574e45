package cmd

import (
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/idemcheck/idemcheck/report"
)

// RunOutputs are the options of every command that ends with a run (check,
// merge): its reports and how its summary is printed.
type RunOutputs struct {
	Reports report.Outputs
	NoColor bool
	// Getenv reads the environment (GITHUB_ACTIONS, GITHUB_STEP_SUMMARY);
	// nil means os.Getenv.
	Getenv func(string) string
}

// addRunOutputFlags adds the flags of RunOutputs: one per report format
// (report.Formats), the formats' options, and --no-color.
func addRunOutputFlags(f *pflag.FlagSet, o *RunOutputs) {
	for _, format := range report.Formats() {
		f.Var(o.Reports.PathFlag(format), format.Flag, format.FlagHelp())
	}
	f.BoolVar(&o.Reports.JUnitNoPositions, "junit-no-positions", false, "leave testcase file and line out of the JUnit report (the Jenkins xUnit schema rejects them)")
	f.Var(o.Reports.EvidenceFlag(), "evidence", "evidence the JSON report keeps: bounded (each body's start and what its diff points at; every exchange on the first result of each kind) or full (everything the run kept)")
	f.BoolVar(&o.NoColor, "no-color", false, "disable colour (also NO_COLOR, or when output is not a terminal)")
}

// finishRun is the end of every command that produces a run (check,
// merge): the terminal summary and what the run left on the server (on
// stderr when a report goes to stdout, which must hold nothing but the
// report), GitHub's annotations and step summary when the environment asks
// for them, every report file, and the run's outcome as the error that
// decides the exit code.
func finishRun(run *report.Run, o RunOutputs, stdout, stderr io.Writer) error {
	summary := stdout
	if o.Reports.ToStdout() {
		summary = stderr
	}
	color := report.ColorWanted(summary, o.NoColor)
	if err := report.WriteTerminal(summary, run, color); err != nil {
		return err
	}
	if err := report.WriteCreated(summary, run, color); err != nil {
		return err
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := report.GitHubActions(getenv, summary, run); err != nil { // annotations and the step summary, on GitHub only
		return err
	}
	if err := o.Reports.Write(run, stdout); err != nil {
		return err
	}
	return outcomeError(run.Outcome())
}
