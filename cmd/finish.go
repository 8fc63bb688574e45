package cmd

import (
	"github.com/spf13/pflag"

	"github.com/idemcheck/idemcheck/report"
)

// RunOutputs are the options of every command that ends with a run (check,
// merge): its reports and its terminal.
type RunOutputs struct {
	Reports report.Outputs
	report.Terminal
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

// finishRun ends every command that produces a run (report.Finish) with
// the run's outcome as the error that decides the exit code.
func finishRun(run *report.Run, o RunOutputs) error {
	if err := report.Finish(run, o.Reports, o.Terminal); err != nil {
		return err
	}
	return outcomeError(run.Outcome())
}
