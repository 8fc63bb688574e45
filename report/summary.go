package report

import "fmt"

// countsLine is the one-line total every human-readable format shows:
// "3 passed, 1 failed, 2 errors, 0 skipped", with "N accepted" after the
// failures when a baseline was applied or accepted something.
func countsLine(run *Run) string {
	c := run.Counts()
	accepted := ""
	if run.Baseline != nil || c.Accepted > 0 {
		accepted = fmt.Sprintf(", %d accepted", c.Accepted)
	}
	return fmt.Sprintf("%d passed, %d failed%s, %s, %d skipped", c.Pass, c.Fail, accepted, plural(c.Error, "error"), c.Skip)
}

// fixedLine names a baseline entry that no longer occurs:
// "replay on POST /v1/payments (critical)".
func fixedLine(e BaselineEntry) string {
	return fmt.Sprintf("%s on %s (%s)", nonEmpty(sanitizeLine(e.Probe), "unnamed probe"), sanitizeLine(operationName(e.Operation)), e.Severity)
}
