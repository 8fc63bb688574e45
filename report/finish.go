package report

import (
	"io"
	"os"
)

// Terminal is where a run's summary is printed, and how.
type Terminal struct {
	Stdout, Stderr io.Writer
	NoColor        bool
	// Getenv reads the environment (GITHUB_ACTIONS, GITHUB_STEP_SUMMARY);
	// nil means os.Getenv.
	Getenv func(string) string
}

// Finish writes what ends every command that produces a run (check,
// merge): the terminal summary and what the run left on the server (on
// stderr when a report goes to stdout, which must hold nothing but the
// report), GitHub's annotations and step summary when the environment asks
// for them, and every report of o.
func Finish(run *Run, o Outputs, t Terminal) error {
	summary := t.Stdout
	if o.ToStdout() {
		summary = t.Stderr
	}
	color := ColorWanted(summary, t.NoColor)
	if err := WriteTerminal(summary, run, color); err != nil {
		return err
	}
	if err := WriteCreated(summary, run, color); err != nil {
		return err
	}
	getenv := t.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := GitHubActions(getenv, summary, run); err != nil { // annotations and the step summary, on GitHub only
		return err
	}
	return o.Write(run, t.Stdout)
}
