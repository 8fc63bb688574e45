package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// largeFixtureRun is a run of 30 operations, more than a screenful, so
// every human format groups it: replay fails on each with the same reason
// but for its ids and counts, concurrent on every other one, mismatch-body
// cannot be carried out on three, missing-key is skipped everywhere and
// natural-put passes. Each replay failure has a setup, a first request and
// two retries with 1.5 KiB bodies, and a diff pointing into them.
func largeFixtureRun() *Run {
	started := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	run := &Run{Tool: "idemcheck 0.1.0", Spec: "openapi.yaml", BaseURL: "http://127.0.0.1:8080", Started: started, Duration: 42 * time.Second, Gate: probes.Major}
	padding := strings.Repeat(`"filler":"0123456789abcdef0123456789abcdef",`, 30)
	body := func(id string) string {
		return `{"object":"thing",` + padding + `"id":"` + id + `","amount":100}`
	}
	exchange := func(label, id string) probes.Exchange {
		return probes.Exchange{
			Label: label,
			Request: probes.RequestRecord{Method: "POST", URL: "http://127.0.0.1:8080/v1/things", Header: map[string][]string{"Idempotency-Key": {"idem-1"}},
				Body: `{"amount":100}`},
			Response: &probes.Response{Status: 201, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: body(id)},
			Elapsed:  3 * time.Millisecond,
		}
	}
	for i := range 30 {
		op := probes.OperationRef{ID: fmt.Sprintf("createThing%d", i), Method: "POST", Path: fmt.Sprintf("/v1/things%d", i), File: "openapi.yaml", Line: 10 + 20*i}
		first, retry := fmt.Sprintf("thg_%04dfirst", i), fmt.Sprintf("thg_%04dretry", i)
		run.Results = append(run.Results, probes.Result{
			Operation: op, Probe: "replay", Title: "a retry returns the stored result", Verdict: probes.Fail, Severity: probes.Critical, Class: probes.Safety,
			Reason: fmt.Sprintf("retry 1 differs from the first response (status 201 → 201); the retries added %d side effect(s)", 2+i%3),
			Rule:   "draft-ietf-httpapi-idempotency-key-header §2.6: a retry returns the stored result",
			Fix:    "store the first response under the key and return it for every retry",
			Diffs: []string{"retry 1 vs first response (-first +retry):\n  status 201 = 201\n  header Content-Type: \"application/json\" = \"application/json\"\n" +
				"  body /id: \"" + first + "\" → \"" + retry + "\"\n  body: 32 other values equal"},
			Evidence: []probes.Exchange{exchange("setup: create the parent", "thg_parent"), exchange("first request", first), exchange("retry 1", retry), exchange("retry 2", retry+"2")},
			Duration: 30 * time.Millisecond,
		})
		if i%2 == 0 {
			run.Results = append(run.Results, probes.Result{
				Operation: op, Probe: "concurrent", Title: "concurrent copies create one resource", Verdict: probes.Fail, Severity: probes.Critical, Class: probes.Safety,
				Reason: fmt.Sprintf("the defect showed in %d of 3 rounds of 10 concurrent requests", 1+i%3),
				Fix:    "claim the key atomically before processing",
			})
		}
		if i < 3 {
			run.Results = append(run.Results, probes.Result{
				Operation: op, Probe: "mismatch-body", Title: "a reused key with another body is rejected", Verdict: probes.Error, Severity: probes.Major,
				Reason: fmt.Sprintf("control request failed: read tcp 127.0.0.1:%d->127.0.0.1:8080: connection reset by peer", 50000+i),
			})
		}
		run.Results = append(run.Results,
			probes.Result{Operation: op, Probe: "missing-key", Title: "a request without a key is rejected", Verdict: probes.Skip, Severity: probes.Major, Reason: "the operation declares its key optional"},
			probes.Result{Operation: op, Probe: "natural-put", Title: "the same PUT twice leaves the same state", Verdict: probes.Pass, Severity: probes.Major, Reason: "the state after both PUTs is the same"},
		)
	}
	return run
}
