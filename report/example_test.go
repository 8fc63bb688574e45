package report_test

import (
	"os"

	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// A failure at or above the gate is an error annotation at the operation's
// line; one the baseline accepts is a notice.
func ExampleWriteGitHubAnnotations() {
	op := probes.OperationRef{ID: "createPayment", Method: "POST", Path: "/v1/payments", File: "api/openapi.yaml", Line: 42}
	run := &report.Run{Gate: probes.Major, Results: []probes.Result{
		{Operation: op, Probe: "replay", Title: "a retry returns the stored result", Verdict: probes.Fail, Severity: probes.Critical,
			Reason: "the replay created a second payment", Fix: "store the response under the key"},
		{Operation: op, Probe: "replay-marker", Verdict: probes.Fail, Severity: probes.Info, Reason: "no replay header", Accepted: true},
	}}
	if err := report.WriteGitHubAnnotations(os.Stdout, run); err != nil {
		panic(err)
	}
	// Output:
	// ::error file=api/openapi.yaml,line=42,title=replay%3A a retry returns the stored result (critical)::POST /v1/payments: the replay created a second payment%0AFix: store the response under the key
	// ::notice file=api/openapi.yaml,line=42,title=replay-marker (info%2C accepted in the baseline)::POST /v1/payments: no replay header%0A(accepted in the baseline: it does not fail the gate)
}
