package cmd

import (
	"io"
	"os"

	"github.com/idemcheck/idemcheck/report"
)

// finishRun is the end of every command that produces a run (check,
// merge): the terminal summary (on stderr when a report goes to stdout,
// which must hold nothing but the report), GitHub's annotations and step
// summary when the environment asks for them, every report file, and the
// run's outcome as the error that decides the exit code. getenv nil means
// os.Getenv.
func finishRun(run *report.Run, outputs report.Outputs, stdout, stderr io.Writer, getenv func(string) string, noColor bool) error {
	summary := stdout
	if outputs.ToStdout() {
		summary = stderr
	}
	if err := report.WriteTerminal(summary, run, report.ColorWanted(summary, noColor)); err != nil {
		return err
	}
	if err := report.WriteCreated(summary, run, report.ColorWanted(summary, noColor)); err != nil { // what the run left, or removed
		return err
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := report.GitHubActions(getenv, summary, run); err != nil { // annotations and the step summary, on GitHub only
		return err
	}
	if err := outputs.Write(run, stdout); err != nil {
		return err
	}
	return outcomeError(run.Outcome())
}
