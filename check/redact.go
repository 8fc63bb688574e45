package check

import (
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// secrets are the values report.Redact scrubs from a run before any report
// is written or any error naming a result is printed: the -H and
// --other-header values, the credentials in the configuration, and the
// values given with --redact.
func (c *Check) secrets() []string {
	s := report.HeaderSecrets(c.s.run.Header, c.s.run.OtherHeader)
	s = append(s, c.s.cfg.Secrets()...)
	return append(s, c.opts.Redact...)
}

// redactResult scrubs one result (RunOne's) as Run scrubs a run.
func (c *Check) redactResult(r probes.Result) probes.Result {
	return report.Redact(&report.Run{Results: []probes.Result{r}}, c.secrets()).Results[0]
}
