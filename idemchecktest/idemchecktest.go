// Package idemchecktest checks the idempotency of an http.Handler from
// go test, in process: no server to start, no binary to install.
//
// In a test of the package that builds the handler:
//
//	func TestIdempotency(t *testing.T) {
//		idemchecktest.Run(t, api.NewHandler(), "openapi.yaml", nil)
//	}
//
// Run serves the handler on a loopback port (HTTP/1.1 and HTTP/2 with prior
// knowledge, so every release mode of the concurrent probe works), plans
// the document's mutating operations and runs each probe on each of them as
// a subtest named "<operationId>/<probe id>", so `go test -run
// 'TestIdempotency/createPayment/replay'` runs just that experiment. A
// finding at or above the gate (check.Options.FailOn, "major" by default)
// and a probe at the gate that could not be carried out fail their
// subtest with the reason, the diffs, the side effects and the exchanges
// that prove it; a probe that does not apply is skipped with why.
//
// The handler receives real, mutating requests with fresh idempotency keys:
// give it the state a test may change (an in-memory store, a test
// database).
package idemchecktest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// Run checks handler against the OpenAPI document at spec (a path relative
// to the test's package, or an http(s) URL) with opts (nil:
// check.DefaultOptions; Spec and BaseURL are set by Run), one subtest per
// operation and probe, and returns the results of the subtests that ran.
// Bad options, an unreadable document or an unusable configured observer
// stop the test with t.Fatal.
func Run(t *testing.T, handler http.Handler, spec string, opts *check.Options) []probes.Result {
	t.Helper()
	o := check.DefaultOptions()
	if opts != nil {
		o = *opts
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)

	o.Spec, o.BaseURL = spec, srv.URL
	if o.Tool == "" {
		o.Tool = "idemchecktest"
	}
	c, err := check.New(o)
	if err != nil {
		t.Fatalf("idemchecktest: %v", err)
	}
	ctx := t.Context()
	doc, err := c.Load(ctx)
	if err != nil {
		t.Fatalf("idemchecktest: %v", err)
	}
	plan, err := c.Plan(ctx, doc)
	if err != nil {
		t.Fatalf("idemchecktest: %v", err)
	}
	if len(plan.Operations) == 0 {
		t.Fatalf("idemchecktest: %s has no mutating operations to check", spec)
	}
	if err := c.Preflight(ctx, plan); err != nil {
		t.Fatalf("idemchecktest: %v", err)
	}
	var results []probes.Result
	for i, target := range plan.Targets {
		t.Run(subtestName(target.Op), func(t *testing.T) {
			for _, p := range c.Probes() {
				t.Run(p.Meta(nil).ID, func(t *testing.T) {
					r := c.RunOne(t.Context(), plan, i, p)
					results = append(results, r)
					judge(t, r, c.Gate())
				})
			}
		})
	}
	return results
}

// judge reports one result the way go test users read them: a failure
// with its evidence, a skip with why, a pass in -v.
func judge(t *testing.T, r probes.Result, gate probes.Severity) {
	t.Helper()
	switch {
	case r.Verdict == probes.Pass:
		t.Log(r.Reason)
	case r.Verdict == probes.Skip:
		t.Skip(r.Reason)
	case r.Severity < gate:
		t.Logf("%s below the gate (%s < %s):\n%s", r.Verdict, r.Severity, gate, report.Detail(r))
	case r.Verdict == probes.Fail:
		t.Errorf("%s finding: %s", r.Severity, report.Detail(r))
	default:
		t.Errorf("could not be carried out (a %s probe, at the gate): %s", r.Severity, report.Detail(r))
	}
}

// subtestName is the operationId, else "METHOD_path" without slashes (a
// slash would split the subtest name in -run patterns).
func subtestName(op *openapi.Operation) string {
	if op.ID != "" {
		return op.ID
	}
	return op.Method + "_" + strings.ReplaceAll(strings.Trim(op.Path, "/"), "/", "_")
}
