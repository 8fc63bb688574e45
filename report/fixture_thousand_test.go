package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// thousandFindingsRun is a run the size of the one issue 27 measured: 330
// operations, more than 1,000 failures and a hundred errors across several
// probes and reason shapes, with evidence of Stripe-sized bodies (2 KiB)
// on every finding and a pass on every operation.
func thousandFindingsRun() *Run {
	run := &Run{Tool: "idemcheck 0.1.0", Spec: "openapi.yaml", BaseURL: "http://127.0.0.1:8080",
		Started: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Duration: 38 * time.Second, Gate: probes.Major}
	padding := strings.Repeat(`"field":"0123456789abcdef0123456789abcdef",`, 45)
	exchange := func(label, path, id string, status int) probes.Exchange {
		return probes.Exchange{
			Label: label,
			Request: probes.RequestRecord{Method: "POST", URL: "http://127.0.0.1:8080" + path,
				Header: map[string][]string{"Idempotency-Key": {"idemcheck-0123456789abcdef01234567"}, "Content-Type": {"application/json"}},
				Body:   `{"amount":2000,"currency":"usd"}`},
			Response: &probes.Response{Status: status, Header: map[string][]string{"Content-Type": {"application/json"}, "Date": {"Thu, 02 Jan 2025 03:04:05 GMT"}},
				Body: `{"object":"charge",` + padding + `"id":"` + id + `","amount":2000}`},
			Elapsed: 2 * time.Millisecond,
		}
	}
	probesOf := []struct {
		id, title, reason string
		severity          probes.Severity
		verdict           probes.Verdict
	}{
		{"replay", "a retry returns the stored result", "retry 1 differs from the first response (status 200 → 200); the retries added %d side effect(s)", probes.Critical, probes.Fail},
		{"concurrent", "concurrent copies are processed once", "the defect showed in %d of 3 rounds of 10 concurrent requests", probes.Critical, probes.Fail},
		{"mismatch-body", "a key reused with another body is rejected", "the different body was processed (status 200) under a key already used (%d)", probes.Major, probes.Fail},
		{"key-format", "malformed keys are handled", "empty key: accepted (200); an empty key is no key and must be rejected with 400 (%d)", probes.Minor, probes.Fail},
	}
	for i := range 330 {
		path := fmt.Sprintf("/v1/things%d", i)
		op := probes.OperationRef{ID: fmt.Sprintf("createThing%d", i), Method: "POST", Path: path, File: "openapi.yaml", Line: 10 + 7*i}
		for k, p := range probesOf {
			if k == 3 && i%3 != 0 {
				continue
			}
			first, other := fmt.Sprintf("ch_%06da", i), fmt.Sprintf("ch_%06db", i)
			run.Results = append(run.Results, probes.Result{
				Operation: op, Probe: p.id, Title: p.title, Verdict: p.verdict, Severity: p.severity, Class: probes.Safety,
				Reason: fmt.Sprintf(p.reason, 1+i%4),
				Rule:   "draft-ietf-httpapi-idempotency-key-header: " + p.title, Fix: "store the first result under the key and replay it",
				Diffs: []string{"retry 1 vs first response (-first +retry):\n  status 200 = 200\n  header Content-Type: \"application/json\" = \"application/json\"\n" +
					"  body /id: \"" + first + "\" → \"" + other + "\"\n  body: 46 other values equal"},
				Effects: []probes.Effect{{Observer: "collection GET " + path, Step: "retries", Before: 1, After: 3, Added: []string{other + " (returned to retry 1)"}}},
				Evidence: []probes.Exchange{exchange("control: fresh key", path, "ch_control", 200), exchange("first request", path, first, 200),
					exchange("retry 1", path, other, 200), exchange("retry 2", path, other+"2", 200)},
				Duration: 20 * time.Millisecond,
			})
		}
		if i%3 == 1 {
			run.Results = append(run.Results, probes.Result{Operation: op, Probe: "mismatch-target", Title: "a key reused on another target is not replayed",
				Verdict: probes.Error, Severity: probes.Major, Reason: fmt.Sprintf("control on another id (th_%06d): observe collection GET %s/th_%06d: no array at the top level", i, path, i)})
		}
		run.Results = append(run.Results, probes.Result{Operation: op, Probe: "natural-delete", Title: "the same DELETE twice", Verdict: probes.Pass, Severity: probes.Major,
			Reason: "the second DELETE answered 404", Evidence: []probes.Exchange{exchange("first DELETE", path, "x", 200), exchange("second DELETE", path, "x", 404)}})
	}
	return run
}
