package report

import (
	"testing"

	"github.com/idemcheck/idemcheck/probes"
)

// TestRedactKeepsWhatIsNotText: scrubbing a run copies every field it does
// not scrub — the operation's line, a cut body's flag, the class and
// acceptance of a finding — so a report of a redacted run loses nothing but
// the secrets (a run once lost its positions, and JUnit its file/line).
func TestRedactKeepsWhatIsNotText(t *testing.T) {
	in := &Run{Results: []probes.Result{{
		Operation: probes.OperationRef{ID: "createPayment", Method: "POST", Path: "/v1/payments", File: "openapi.yaml", Line: 42},
		Probe:     "replay", Verdict: probes.Fail, Severity: probes.Minor, Class: probes.Conformance, Accepted: true,
		Evidence: []probes.Exchange{{Response: &probes.Response{Status: 201, Body: "s3cretvalue and more", BodyTruncated: true}}},
	}}}
	out := Redact(in, []string{"s3cretvalue"}).Results[0]
	if out.Operation.File != "openapi.yaml" || out.Operation.Line != 42 || out.Class != probes.Conformance || !out.Accepted {
		t.Errorf("redacted result lost fields: %+v", out)
	}
	if r := out.Evidence[0].Response; !r.BodyTruncated || r.Status != 201 || r.Body == in.Results[0].Evidence[0].Response.Body {
		t.Errorf("redacted response %+v; want the flag and status kept, the secret gone", r)
	}
}
