package cmd

import "github.com/idemcheck/idemcheck/report"

// secrets are the values report.Redact scrubs from the run before any
// report is written or any error naming a result is printed: the -H and
// --other-header values and the credentials in --config.
func (p *pipeline) secrets() []string {
	return append(report.HeaderSecrets(p.env.Header, p.env.OtherHeader), p.cfg.Secrets()...)
}
